// The send API's verbs: put send requests on the senders' topics (answering only once the bus
// acknowledged them) and read a message's outcome from the senders' delivery_log.
import {
  buildValidEnvelope,
  EmailSendRequestData,
  SmsSendRequestData,
  type TopicName,
  Topics,
  ValidationError,
} from '@sp/contracts';
import { type Database, schema } from '@sp/db';
import { stableUuid } from '@sp/delivery';
import { toSubject } from '@sp/identity';
import type { Bus } from '@sp/messaging';
import { injectTraceHeaders } from '@sp/observability';
import { getTopics, type SuppressionContext, topicRefusal } from '@sp/suppression';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { MessageOutcome } from './messages-spec';
import { CheckReason } from './schemas';

export type SendChannel = 'email' | 'sms';

export interface SendDeps {
  bus: Bus;
  /** The topics the senders read (default: the catalog's names). */
  topics?: { email?: string; sms?: string };
  /**
   * The sender's own preparation of an envelope (template, variables, recipient), when this process
   * has the senders' templates: what a sender would dead-letter is then a 400 here, never a 202
   * followed by a message that has no outcome.
   */
  preflight?: Partial<Record<SendChannel, (envelope: unknown) => unknown>>;
}

export const SEND_SOURCE = 'suppression-api/send';

const contract = {
  email: { topic: Topics.emailSendRequest, schema: EmailSendRequestData, subjectType: 'email' },
  sms: { topic: Topics.smsSendRequest, schema: SmsSendRequestData, subjectType: 'phone' },
} as const;

export type SendResult =
  | { index: number; messageId: string; status: 'accepted' }
  | { index: number; messageId: string | null; status: 'rejected'; error: string };

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ');
}

/**
 * Validates each request on its own, then publishes every valid one in ONE acknowledged produce,
 * keyed by the recipient's subject key (a person's messages stay in order). The envelope id is
 * derived from the message id, so posting the same message again publishes the same event, and
 * the sender's claim of the message id keeps it to one send.
 */
export async function acceptSends(
  ctx: SuppressionContext,
  send: SendDeps,
  channel: SendChannel,
  items: unknown[],
  now: Date,
): Promise<SendResult[]> {
  const c = contract[channel];
  const results: SendResult[] = [];
  const messages: { key: string; value: unknown; headers: Record<string, string> }[] = [];
  // A send names an active topic of the registry for its channel (issue 13): one read per batch.
  const registry = await getTopics(
    ctx.db,
    items.flatMap((item) => {
      const topic = (item as { topic?: unknown } | null)?.topic;
      return typeof topic === 'string' ? [topic] : [];
    }),
  );
  items.forEach((item, index) => {
    const parsed = c.schema.safeParse(item);
    const claimedId = (item as { messageId?: unknown } | null)?.messageId;
    const idOf = typeof claimedId === 'string' && claimedId.length > 0 ? claimedId : null;
    if (!parsed.success) {
      results.push({ index, messageId: idOf, status: 'rejected', error: issuesText(parsed.error) });
      return;
    }
    const data = parsed.data;
    const refused = data.topic ? topicRefusal(registry.get(data.topic), data.topic, channel) : null;
    if (refused) {
      results.push({ index, messageId: data.messageId, status: 'rejected', error: `topic: ${refused}` });
      return;
    }
    try {
      const subject = toSubject(c.subjectType, data.to, { defaultRegion: ctx.defaultRegion });
      const built = buildValidEnvelope(c.topic as TopicName, c.topic, SEND_SOURCE, data, {
        id: stableUuid(`${SEND_SOURCE}:${channel}:${data.messageId}`),
        occurredAt: now,
      });
      if (!built.ok) throw new ValidationError(built.error);
      send.preflight?.[channel]?.(built.value);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'event-type': c.topic };
      injectTraceHeaders(headers);
      messages.push({ key: ctx.keyer.keyOf(subject), value: built.value, headers });
      results.push({ index, messageId: data.messageId, status: 'accepted' });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      results.push({ index, messageId: data.messageId, status: 'rejected', error: err.message });
    }
  });
  if (messages.length > 0) await send.bus.publish(send.topics?.[channel] ?? c.topic, messages);
  return results;
}

/** The outcome of one message as the senders recorded it; null before a sender claimed it. */
export async function messageOutcome(db: Database, messageId: string): Promise<MessageOutcome | null> {
  const d = schema.deliveryLog;
  const [row] = await db.select().from(d).where(eq(d.messageId, messageId)).limit(1);
  if (!row) return null;
  return {
    messageId: row.messageId,
    channel: row.channel === 'sms' ? 'sms' : 'email',
    status: row.status === 'claimed' ? 'pending' : (row.status as MessageOutcome['status']),
    templateId: row.templateId,
    category: row.category,
    subjectKey: row.subjectKey,
    // Parsed, not cast: what a sender stored beside the documented fields stays out of the answer.
    reasons: (Array.isArray(row.reasons) ? row.reasons : []).flatMap((r) => {
      const p = CheckReason.safeParse(r);
      return p.success ? [p.data] : [];
    }),
    providerMessageId: row.providerMessageId,
    error: row.error,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'deferred' && row.nextAttemptAt ? row.nextAttemptAt.toISOString() : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}
