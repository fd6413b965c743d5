// What the list would refuse, asked before an event is published. Ingresses (the edge, the abuse
// inbox) call this with the envelope they are about to send, so what a consumer's apply() would
// dead-letter is their 4xx or quarantine instead (issue 10 item 9): the same contract
// (LedgerEvent), the same identity normalization (planEvent), and text PostgreSQL can store.
import { unstorablePath, ValidationError } from '@sp/contracts';
import { invalid } from './errors';
import { validateListEvent } from './events';
import { type Plan, type PlanContext, planEvent } from './plan';

/**
 * The ValidationError apply() would throw for this event (naming the field), or null when the
 * list takes it. An inbound SMS is checked before the consumer decides its intent, as the
 * opt-out that writes the most.
 */
export function listRefusal(ctx: PlanContext, event: unknown): ValidationError | null {
  const raw = event as { id?: unknown; type?: unknown; intent?: unknown } | null;
  const withIntent =
    raw?.type === 'consent.sms-inbound.v1' && raw.intent === undefined
      ? { ...raw, intent: 'opt-out' }
      : event;
  let plan: Plan;
  try {
    plan = planEvent(ctx, validateListEvent(withIntent));
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  // What apply() writes as text or jsonb (a NUL in a field it does not store does no harm).
  const at = unstorablePath({
    source: plan.source,
    payload: plan.payload,
    details: plan.writes.map((w) => w.detail),
    dns: plan.dns,
  });
  if (at !== null) return invalid(plan.eventId, at, 'holds U+0000 or a lone surrogate (not storable)');
  return null;
}
