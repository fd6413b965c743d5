import type { EventOf, Topics } from '@sp/contracts';
import type { Delivered, HandlerResult } from '@sp/messaging';
import { withDbSpan } from '@sp/observability';
import { apply, type SuppressionContext } from '@sp/suppression';

export type DoNotSellMessage = Delivered<EventOf<typeof Topics.doNotSell>>;

/**
 * Do-Not-Sell/Share requests: sale_share entries for every identifier, the combined form's
 * email entry (R-DNS-8), agents (R-DNS-4) and the request log (R-DNS-7) — all in apply's transaction.
 */
export function doNotSellHandler(list: SuppressionContext) {
  return async (batch: DoNotSellMessage[]): Promise<HandlerResult> => {
    const r = await withDbSpan('apply', () =>
      apply(
        list,
        batch.map((m) => m.value),
      ),
    );
    return { duplicates: r.duplicates.length };
  };
}
