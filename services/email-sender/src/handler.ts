// The consumer's handler: a batch of prepared send requests through the shared delivery pipeline.
import type { ChannelPort, DeliveryDeps, Prepared, SendRequestBase } from '@sp/delivery';
import { processBatch } from '@sp/delivery';
import type { Delivered, HandlerResult } from '@sp/messaging';

export function sendRequestHandler<R extends SendRequestBase>(deps: DeliveryDeps, port: ChannelPort<R>) {
  return async (batch: Delivered<Prepared<R>>[]): Promise<HandlerResult> => {
    const summary = await processBatch(
      deps,
      port,
      batch.map((m) => m.value),
    );
    return { duplicates: summary.skipped };
  };
}
