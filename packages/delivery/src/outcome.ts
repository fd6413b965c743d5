// delivery.outcome.v1: what a sender did with one message and why. The envelope id is derived
// from (message id, status, attempt), so re-emitting the same outcome after a redelivery is a
// duplicate its consumers drop, not a second fact.
import { createHash } from 'node:crypto';
import { type DeliveryOutcomeData, newEnvelope, Topics } from '@sp/contracts';
import type { CheckReason } from './gate';

export type OutcomeData = DeliveryOutcomeData;

/** A name-based (version 5 layout) uuid from a string. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export interface OutcomeInput {
  messageId: string;
  channel: 'email' | 'sms';
  status: 'sent' | 'suppressed' | 'deferred' | 'failed';
  subjectKey: string;
  templateId: string;
  category: string;
  reasons: CheckReason[];
  providerMessageId?: string | null | undefined;
  error?: string | null | undefined;
  attempt?: number | undefined;
  unchecked?: boolean | undefined;
  /** For deferrals: when the next attempt is due. */
  nextAttemptAt?: Date | null | undefined;
}

export function outcomeEnvelope(source: string, o: OutcomeInput, at: Date) {
  const data = {
    messageId: o.messageId,
    channel: o.channel,
    status: o.status,
    subjectKey: o.subjectKey,
    templateId: o.templateId,
    category: o.category,
    reasons: o.reasons,
    ...(o.providerMessageId ? { providerMessageId: o.providerMessageId } : {}),
    ...(o.error ? { error: o.error } : {}),
    ...(o.attempt !== undefined ? { attempt: o.attempt } : {}),
    ...(o.unchecked ? { unchecked: true } : {}),
  } as OutcomeData;
  return newEnvelope(Topics.deliveryOutcome, source, data, {
    id: stableUuid(`${o.messageId}|${o.status}|${o.attempt ?? 0}`),
    occurredAt: at.toISOString(),
  });
}
