import type { EventOf, Topics } from '@sp/contracts';
import type { CounterLike, Delivered, HandlerResult } from '@sp/messaging';
import { withDbSpan } from '@sp/observability';
import { apply, type SuppressionContext } from '@sp/suppression';

export type ComplaintOrBounce = Delivered<EventOf<typeof Topics.complaint | typeof Topics.bounce>>;

/**
 * Spam complaints (email/marketing/*) and bounces: permanent ones suppress all email; transient
 * ones are recorded in the ledger and counted, never suppressed (R-AB-3).
 */
export function complaintHandler(list: SuppressionContext, counters: { transientBounces: CounterLike }) {
  return async (batch: ComplaintOrBounce[]): Promise<HandlerResult> => {
    const r = await withDbSpan('apply', () =>
      apply(
        list,
        batch.map((m) => m.value),
      ),
    );
    const fresh = new Set(r.applied);
    for (const m of batch) {
      const e = m.value;
      if (e.type === 'email.bounce.v1' && e.data.bounceType !== 'Permanent' && fresh.has(e.id)) {
        counters.transientBounces.inc({ bounceType: e.data.bounceType });
      }
    }
    return { duplicates: r.duplicates.length };
  };
}
