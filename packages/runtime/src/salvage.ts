// The salvage hook of a list consumer: before an opt-out class message goes to the DLQ, its
// safest form (the subject key it was keyed by, the broadest scope of its event type) goes on
// the list through suppressByKey. Each consumer service says which scope its messages deserve.
import type { DeadLetterCause, RawMessage, SalvageOutcome } from '@sp/messaging';
import {
  type EntryReason,
  type ScopeChannel,
  type ScopePurpose,
  type SuppressionContext,
  suppressByKey,
} from '@sp/suppression';

export interface SalvageScope {
  channel: ScopeChannel;
  purpose: ScopePurpose;
  reason: EntryReason;
}

/** What could be read of a message that failed: its envelope's fields when it is JSON at all. */
export interface PeekedEnvelope {
  type?: string;
  occurredAt?: string;
  data?: Record<string, unknown>;
}

/** The scope to suppress for a dead-lettered message of `topic` (the broker's name), or null for none. */
export type SalvagePolicy = (msg: {
  topic: string;
  envelope: PeekedEnvelope | undefined;
}) => SalvageScope | null;

/** Best effort, never throws: the message may be poison precisely because it does not parse. */
export function peekEnvelope(value: Buffer | null): PeekedEnvelope | undefined {
  if (value === null) return undefined;
  try {
    const v: unknown = JSON.parse(value.toString('utf8'));
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const o = v as Record<string, unknown>;
    const data = o.data;
    return {
      ...(typeof o.type === 'string' ? { type: o.type } : {}),
      ...(typeof o.occurredAt === 'string' ? { occurredAt: o.occurredAt } : {}),
      ...(data !== null && typeof data === 'object' && !Array.isArray(data)
        ? { data: data as Record<string, unknown> }
        : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * When the person acted: the envelope's occurredAt, but never later than the broker accepted
 * the message (a bad date must not make the salvage outrank a later resubscribe forever).
 */
function occurredAt(envelope: PeekedEnvelope | undefined, raw: RawMessage): Date {
  const accepted = raw.timestamp !== undefined ? new Date(Number(raw.timestamp)) : new Date();
  const bound = Number.isNaN(accepted.getTime()) ? new Date() : accepted;
  const said = envelope?.occurredAt ? new Date(envelope.occurredAt) : undefined;
  return said && !Number.isNaN(said.getTime()) && said < bound ? said : bound;
}

/** The runner's `salvage` hook for a policy: suppress by the message key, idempotent on its offset. */
export function salvageHook(
  list: SuppressionContext,
  policy: SalvagePolicy,
): (raw: RawMessage, cause: DeadLetterCause) => Promise<SalvageOutcome> {
  return async (raw, cause) => {
    const envelope = peekEnvelope(raw.value);
    const scope = policy({ topic: raw.topic, envelope });
    if (!scope) return 'not-applicable';
    const r = await suppressByKey(list, {
      subjectKey: raw.key,
      ...scope,
      originalType: envelope?.type ?? raw.topic,
      occurredAt: occurredAt(envelope, raw),
      deadLetter: { topic: raw.topic, partition: raw.partition, offset: raw.offset, ...cause },
    });
    return r.applied ? 'applied' : 'duplicate';
  };
}
