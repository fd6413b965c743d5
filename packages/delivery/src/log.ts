// The verbs on delivery_log: claim a message id before the provider is called (a redelivery never
// sends twice), mark the claims about to be sent, record what happened, find deferrals that are due.
//
// Claim states (status, next_attempt_at):
//   claimed + lease time  -> claimed, not yet handed to the provider: reclaimable once the lease passed
//                            (the claimer died or its batch failed before sending);
//   claimed + null        -> handed to the provider, result unknown: never sent again automatically;
//   deferred + time       -> waiting (quiet hours, list outage, provider retry): claimable when due.
import type { Database } from '@sp/db';
import { sql } from 'drizzle-orm';
import type { CheckReason } from './gate';

export type Channel = 'email' | 'sms';
export type FinalStatus = 'sent' | 'suppressed' | 'deferred' | 'failed';

export interface ClaimInput {
  messageId: string;
  channel: Channel;
  templateId: string;
  category: string;
  subjectKey: string;
}

export interface LogRow {
  messageId: string;
  channel: string;
  templateId: string | null;
  category: string | null;
  subjectKey: string | null;
  status: 'claimed' | FinalStatus;
  reasons: CheckReason[];
  providerMessageId: string | null;
  error: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
}

export type ClaimResult =
  | { messageId: string; claimed: true; attempt: number }
  | { messageId: string; claimed: false; existing: LogRow | undefined };

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}

const iso = (d: Date) => d.toISOString();
const msToDate = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(Math.round(Number(v)));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function toLogRow(r: Record<string, unknown>): LogRow {
  return {
    messageId: String(r.message_id),
    channel: String(r.channel),
    templateId: (r.template_id as string | null) ?? null,
    category: (r.category as string | null) ?? null,
    subjectKey: (r.subject_key as string | null) ?? null,
    status: String(r.status) as LogRow['status'],
    reasons: json<CheckReason[] | null>(r.reasons) ?? [],
    providerMessageId: (r.provider_message_id as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    attempts: Number(r.attempts),
    nextAttemptAt: msToDate(r.next_ms),
  };
}

/** The current rows of some message ids. */
export async function readLog(db: Database, messageIds: string[]): Promise<Map<string, LogRow>> {
  if (messageIds.length === 0) return new Map();
  const result = await db.execute(sql`
    select message_id, channel, template_id, category, subject_key, status, reasons, provider_message_id, error,
           attempts, extract(epoch from next_attempt_at) * 1000 as next_ms
      from delivery_log
     where message_id in (select jsonb_array_elements_text(${JSON.stringify(messageIds)}::jsonb))`);
  return new Map(rowsOf(result).map((r) => [String(r.message_id), toLogRow(r)]));
}

/**
 * Claims message ids in one statement: new ids are inserted as claimed; a due deferral or a stale
 * claim that never reached the provider is taken over. Everything else (sent, suppressed, failed,
 * in flight, deferred to later) is left alone and reported with its current row.
 * A message id repeated within `items` is claimed once.
 */
export async function claim(
  db: Database,
  items: ClaimInput[],
  opts: { now: Date; leaseMs: number },
): Promise<ClaimResult[]> {
  if (items.length === 0) return [];
  const unique = [...new Map(items.map((i) => [i.messageId, i])).values()];
  const now = iso(opts.now);
  const leaseUntil = iso(new Date(opts.now.getTime() + opts.leaseMs));
  const input = unique.map((i) => ({
    message_id: i.messageId,
    channel: i.channel,
    template_id: i.templateId,
    category: i.category,
    subject_key: i.subjectKey,
  }));
  const result = await db.execute(sql`
    insert into delivery_log as d
           (message_id, channel, template_id, category, subject_key, status, attempts, next_attempt_at, created_at, updated_at)
    select i.message_id, i.channel, i.template_id, i.category, i.subject_key, 'claimed', 1,
           ${leaseUntil}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
           as i(message_id text, channel text, template_id text, category text, subject_key text)
    on conflict (message_id) do update
       set status = 'claimed', attempts = d.attempts + 1, next_attempt_at = ${leaseUntil}::timestamptz,
           updated_at = ${now}::timestamptz
     where d.status in ('deferred', 'claimed')
       and d.next_attempt_at is not null
       and d.next_attempt_at <= ${now}::timestamptz
    returning d.message_id, d.attempts`);
  const claimed = new Map(rowsOf(result).map((r) => [String(r.message_id), Number(r.attempts)]));
  const others = unique.filter((i) => !claimed.has(i.messageId)).map((i) => i.messageId);
  const existing = await readLog(db, others);
  const seen = new Set<string>();
  return items.map((i) => {
    const attempt = claimed.get(i.messageId);
    const first = !seen.has(i.messageId);
    seen.add(i.messageId);
    if (attempt !== undefined && first) return { messageId: i.messageId, claimed: true, attempt };
    return { messageId: i.messageId, claimed: false, existing: existing.get(i.messageId) };
  });
}

/** The claims are about to go to the provider: from now on they are never taken over again. */
export async function markSending(db: Database, messageIds: string[], now: Date): Promise<void> {
  if (messageIds.length === 0) return;
  await db.execute(sql`
    update delivery_log set next_attempt_at = null, updated_at = ${iso(now)}::timestamptz
     where status = 'claimed'
       and message_id in (select jsonb_array_elements_text(${JSON.stringify(messageIds)}::jsonb))`);
}

export interface RecordInput {
  messageId: string;
  status: FinalStatus;
  subjectKey: string;
  reasons: CheckReason[];
  providerMessageId?: string;
  error?: string;
  /** For 'deferred': when to try again. */
  nextAttemptAt?: Date;
  /** For 'deferred': the sealed request, kept until the message is done. */
  sealedPayload?: { sealed: string; keyId: string };
}

/**
 * Records the end of an attempt for many messages in one transaction: the log row, and the sealed
 * request of a deferral (removed again once the message reached a final state).
 */
export async function record(db: Database, items: RecordInput[], now: Date): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((i) => ({
    message_id: i.messageId,
    status: i.status,
    subject_key: i.subjectKey,
    reasons: i.reasons,
    provider_message_id: i.providerMessageId ?? null,
    error: i.error ?? null,
    next_attempt_at: i.status === 'deferred' && i.nextAttemptAt ? iso(i.nextAttemptAt) : null,
  }));
  const payloads = items
    .filter((i) => i.status === 'deferred' && i.sealedPayload)
    .map((i) => ({
      message_id: i.messageId,
      sealed: i.sealedPayload!.sealed,
      key_id: i.sealedPayload!.keyId,
    }));
  const done = items.filter((i) => i.status !== 'deferred').map((i) => i.messageId);
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      update delivery_log d
         set status = r.status, subject_key = coalesce(nullif(r.subject_key, ''), d.subject_key), reasons = r.reasons,
             provider_message_id = r.provider_message_id, error = r.error,
             next_attempt_at = r.next_attempt_at, updated_at = ${iso(now)}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
             as r(message_id text, status text, subject_key text, reasons jsonb, provider_message_id text,
                  error text, next_attempt_at timestamptz)
       where d.message_id = r.message_id`);
    if (payloads.length > 0) {
      await tx.execute(sql`
        insert into delivery_payload (message_id, sealed, key_id, created_at)
        select p.message_id, p.sealed, p.key_id, ${iso(now)}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(payloads)}::jsonb) as p(message_id text, sealed text, key_id text)
        on conflict (message_id) do update set sealed = excluded.sealed, key_id = excluded.key_id`);
    }
    if (done.length > 0) {
      await tx.execute(sql`
        delete from delivery_payload
         where message_id in (select jsonb_array_elements_text(${JSON.stringify(done)}::jsonb))`);
    }
  });
}

/** Returns claims that never reached the provider to 'deferred', due now (their batch failed). */
export async function release(db: Database, messageIds: string[], now: Date): Promise<void> {
  if (messageIds.length === 0) return;
  await db.execute(sql`
    update delivery_log set status = 'deferred', next_attempt_at = ${iso(now)}::timestamptz,
           updated_at = ${iso(now)}::timestamptz
     where status = 'claimed' and next_attempt_at is not null
       and message_id in (select jsonb_array_elements_text(${JSON.stringify(messageIds)}::jsonb))`);
}

export interface DueDeferral {
  messageId: string;
  sealed: string;
  keyId: string;
}

/** Deferred messages of a channel whose time has come (and stale claims of ones that had been deferred). */
export async function dueDeferrals(
  db: Database,
  channel: Channel,
  now: Date,
  limit: number,
): Promise<DueDeferral[]> {
  const result = await db.execute(sql`
    select d.message_id, p.sealed, p.key_id
      from delivery_log d join delivery_payload p on p.message_id = d.message_id
     where d.channel = ${channel}
       and d.status in ('deferred', 'claimed')
       and d.next_attempt_at is not null
       and d.next_attempt_at <= ${iso(now)}::timestamptz
     order by d.next_attempt_at
     limit ${limit}`);
  return rowsOf(result).map((r) => ({
    messageId: String(r.message_id),
    sealed: String(r.sealed),
    keyId: String(r.key_id),
  }));
}
