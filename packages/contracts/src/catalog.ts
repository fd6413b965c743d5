// The typed topic catalog (STYLE.md 4): topic name -> schema of what may appear on it, plus the
// parse helpers every consumer uses at its edge.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AdminAction,
  Bounce,
  ChangelogEntry,
  Complaint,
  DeliveryOutcome,
  DoNotSell,
  EmailOptOut,
  EmailResubscribe,
  EmailSendRequest,
  type EventType,
  SeedHit,
  SmsInbound,
  SmsSendRequest,
} from './events';

export const Topics = {
  emailOptOut: 'consent.email-optout.v1',
  smsInbound: 'consent.sms-inbound.v1',
  doNotSell: 'privacy.do-not-sell.v1',
  complaint: 'abuse.complaint.v1',
  bounce: 'email.bounce.v1',
  changelog: 'suppression.changelog.v1',
  emailSendRequest: 'email.send-request.v1',
  smsSendRequest: 'sms.send-request.v1',
  deliveryOutcome: 'delivery.outcome.v1',
  seedHit: 'partner.seed-hit.v1',
} as const;
export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Dead-letter topic of a topic; the error travels in message headers. */
export const dlqTopic = (t: string) => `${t}.dlq`;

/** What consent.email-optout.v1 carries: opt-outs and confirmed resubscribes. */
export const EmailConsentEvent = z.discriminatedUnion('type', [EmailOptOut, EmailResubscribe]);
export type EmailConsentEvent = z.infer<typeof EmailConsentEvent>;

export const topicCatalog = {
  [Topics.emailOptOut]: EmailConsentEvent,
  [Topics.smsInbound]: SmsInbound,
  [Topics.doNotSell]: DoNotSell,
  [Topics.complaint]: Complaint,
  [Topics.bounce]: Bounce,
  [Topics.changelog]: ChangelogEntry,
  [Topics.emailSendRequest]: EmailSendRequest,
  [Topics.smsSendRequest]: SmsSendRequest,
  [Topics.deliveryOutcome]: DeliveryOutcome,
  [Topics.seedHit]: SeedHit,
} as const satisfies { [T in TopicName]: z.ZodType };
export type EventOf<T extends TopicName> = z.infer<(typeof topicCatalog)[T]>;

/** Any envelope the suppression ledger may hold (every event type, ledger-only ones included). */
export const LedgerEvent = z.discriminatedUnion('type', [
  EmailOptOut,
  EmailResubscribe,
  SmsInbound,
  DoNotSell,
  Complaint,
  Bounce,
  AdminAction,
]);
export type LedgerEvent = z.infer<typeof LedgerEvent>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** "data.email: Invalid input: expected string, received number; id: Invalid UUID" */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

/** safeParse with a path-precise error string. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: formatIssues(result.error) };
}

/** Validates an already JSON-parsed value against the topic's schema. */
export function parseEvent<T extends TopicName>(topic: T, input: unknown): ParseResult<EventOf<T>> {
  const schema: z.ZodType | undefined = topicCatalog[topic];
  if (schema === undefined) return { ok: false, error: `unknown topic: ${String(topic)}` };
  return parseWith(schema, input) as ParseResult<EventOf<T>>;
}

/** Parses a raw Kafka value (JSON text) for a topic; a null value (tombstone) is an error. */
export function parseMessage<T extends TopicName>(
  topic: T,
  raw: string | Buffer | null | undefined,
): ParseResult<EventOf<T>> {
  if (raw === null || raw === undefined) return { ok: false, error: 'empty message: value is null' };
  let input: unknown;
  try {
    input = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  return parseEvent(topic, input);
}

export interface EnvelopeOptions {
  id?: string;
  occurredAt?: Date | string;
  evidence?: Record<string, unknown>;
}

// A type alias, not an interface: it then fits the schemas' loose (index-signature) types.
export type Envelope<Type extends string, D> = {
  id: string;
  type: Type;
  occurredAt: string;
  source: string;
  data: D;
  evidence?: Record<string, unknown>;
};

type KnownData<K extends string> = K extends EventType
  ? z.input<typeof import('./events').eventSchemas[K]>['data']
  : unknown;

/**
 * Builds an envelope, filling `id` (random uuid) and `occurredAt` (now) unless given. For a
 * known event type the data is type-checked against that type's schema (not validated at runtime).
 */
export function newEnvelope<const Type extends string, const D extends KnownData<Type>>(
  type: Type,
  source: string,
  data: D,
  opts: EnvelopeOptions = {},
): Envelope<Type, D> {
  const occurredAt =
    opts.occurredAt === undefined
      ? new Date().toISOString()
      : opts.occurredAt instanceof Date
        ? opts.occurredAt.toISOString()
        : opts.occurredAt;
  return {
    id: opts.id ?? randomUUID(),
    type,
    occurredAt,
    source,
    data,
    ...(opts.evidence === undefined ? {} : { evidence: opts.evidence }),
  };
}

/**
 * Builds an envelope (as newEnvelope) and validates it against `topic`'s schema, for producers
 * that check the contract before publishing. On success `value` is the envelope as built (not the
 * parsed copy), so what is published is exactly what was validated.
 */
export function buildValidEnvelope<const Type extends string>(
  topic: TopicName,
  type: Type,
  source: string,
  data: unknown,
  opts: EnvelopeOptions = {},
): ParseResult<Envelope<Type, unknown>> {
  const envelope: Envelope<Type, unknown> = newEnvelope(type, source, data as never, opts);
  const checked = parseEvent(topic, envelope);
  return checked.ok ? { ok: true, value: envelope } : checked;
}
