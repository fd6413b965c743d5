import type { EventOf, Topics } from '@sp/contracts';
import type { Delivered, HandlerResult } from '@sp/messaging';
import { withDbSpan } from '@sp/observability';
import { apply, type SuppressionContext } from '@sp/suppression';

export type EmailConsentMessage = Delivered<EventOf<typeof Topics.emailOptOut>>;

/** Unsubscribes and confirmed resubscribes: straight to the list, one transaction per batch. */
export function emailConsentHandler(list: SuppressionContext) {
  return async (batch: EmailConsentMessage[]): Promise<HandlerResult> => {
    const r = await withDbSpan('apply', () =>
      apply(
        list,
        batch.map((m) => m.value),
      ),
    );
    return { duplicates: r.duplicates.length };
  };
}
