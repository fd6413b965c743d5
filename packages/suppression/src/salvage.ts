// "When in doubt, suppress": an opt-out whose message cannot be applied (poison data, or retries
// exhausted) is still honoured in its safest form before it goes to the dead-letter queue — a
// suppression of the subject KEY the message was keyed by (producers key by subject key), with
// the broadest scope of its event type. No readable identifier is known here, so nothing goes to
// the vault; the ledger row names the dead letter as its evidence.
import { createHash } from 'node:crypto';
import { applyPlans } from './apply';
import type { SuppressionContext } from './context';
import { invalid } from './errors';
import type { EntryReason, Plan, ScopeChannel, ScopePurpose } from './plan';

export const SALVAGE_SOURCE = 'salvaged-from-dlq';
/** The ledger type of a salvage row (its payload differs from any event's). */
export const SALVAGE_EVENT_TYPE = 'suppression.salvage.v1';

/** "<pepper id>:<base64url HMAC-SHA256>", as @sp/identity's keyer makes them. */
const SUBJECT_KEY = /^([A-Za-z0-9_-]{1,32}):[A-Za-z0-9_-]{43}$/;

export interface SalvageRequest {
  /** The Kafka message key: the subject key the producer computed. */
  subjectKey: string | null;
  channel: ScopeChannel;
  purpose: ScopePurpose;
  /** The reason the normal path would have written (sms-stop, email-optout …). */
  reason: EntryReason;
  /** The event type the message was published as, when known (else its topic). */
  originalType: string;
  /** When the person acted, as far as can be told (envelope, else the broker's timestamp). */
  occurredAt: Date;
  deadLetter: { topic: string; partition: number; offset: string; reason: string; error: string };
}

/** A UUID derived from the message's place in its topic: a redelivered dead letter salvages once. */
export function salvageEventId(topic: string, partition: number, offset: string): string {
  const h = createHash('sha256').update(`salvage\0${topic}\0${partition}\0${offset}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x80; // version 8 (custom)
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/**
 * Suppresses one scope of a subject known by its key alone. Idempotent on the dead letter's
 * topic/partition/offset; the state follows the same newest-wins rule as every event.
 */
export async function suppressByKey(
  ctx: SuppressionContext,
  req: SalvageRequest,
): Promise<{ eventId: string; applied: boolean }> {
  const { topic, partition, offset } = req.deadLetter;
  const eventId = salvageEventId(topic, partition, offset);
  const key = req.subjectKey ?? '';
  const keyId = SUBJECT_KEY.exec(key)?.[1];
  if (keyId === undefined) {
    throw invalid(
      eventId,
      'key',
      req.subjectKey === null ? 'the message has no key' : 'the message key is not a subject key',
    );
  }
  if (Number.isNaN(req.occurredAt.getTime())) throw invalid(eventId, 'occurredAt', 'not a date');
  const ref = `${topic}/${partition}/${offset}`;
  const plan: Plan = {
    eventId,
    type: SALVAGE_EVENT_TYPE,
    source: SALVAGE_SOURCE,
    occurredAt: req.occurredAt,
    subjects: [],
    subjectKeys: [key],
    keyId,
    writes: [
      {
        subjectKey: key,
        channel: req.channel,
        purpose: req.purpose,
        topic: '*',
        suppressed: true,
        reason: req.reason,
        askAgainAfter: null,
        detail: { salvaged: true, deadLetter: ref },
      },
    ],
    payload: {
      data: {
        subjectKey: key,
        originalType: req.originalType,
        reason: req.deadLetter.reason,
        error: req.deadLetter.error,
      },
      evidence: { deadLetter: ref },
    },
    minorKeys: [],
    dns: null,
  };
  const r = await applyPlans(ctx, [plan]);
  return { eventId, applied: r.applied.length > 0 };
}
