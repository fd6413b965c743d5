// Reading side of the ledger and the R-DNS-7 request log, and the outbox relay's two verbs.
import { schema } from '@sp/db';
import { and, arrayContains, arrayOverlaps, asc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { SuppressionContext } from './context';
import { now } from './context';
import { resolveSubject, type SubjectInput } from './subjects';

export interface HistoryEntry {
  eventId: string;
  type: string;
  source: string;
  occurredAt: string;
  recordedAt: string;
  /** The scopes the event wrote (empty for HELP, transient bounces...). */
  scopes: Array<{
    subjectKey: string;
    channel: string;
    purpose: string;
    topic: string;
    suppressed: boolean;
    reason: string;
  }>;
  /** Event data with addresses replaced by subject keys, the SMS intent, and the envelope's evidence. */
  payload: Record<string, unknown>;
}

/** The ordered audit trail of one subject (under every pepper's key): occurredAt, then recording order. */
export async function history(ctx: SuppressionContext, subject: SubjectInput): Promise<HistoryEntry[]> {
  const { keys } = resolveSubject(ctx, subject);
  const l = schema.ledger;
  const rows = await ctx.db
    .select()
    .from(l)
    .where(arrayOverlaps(l.subjectKeys, keys))
    .orderBy(asc(l.occurredAt), asc(l.seq));
  return rows.map((r) => ({
    eventId: r.eventId,
    type: r.type,
    source: r.source,
    occurredAt: r.occurredAt.toISOString(),
    recordedAt: r.recordedAt.toISOString(),
    scopes: r.scopes as HistoryEntry['scopes'],
    payload: r.payload as Record<string, unknown>,
  }));
}

/**
 * Whether the ledger holds an event of `type` for `subjectKey`, occurred at or after `since`,
 * whose evidence says `evidence[field] = value`: a durable "did we already do this lately"
 * (optout-consumer's once-per-30-days confirmation email reads it).
 */
export async function ledgerMarkedSince(
  ctx: SuppressionContext,
  q: { subjectKey: string; type: string; field: string; value: string; since: Date },
): Promise<boolean> {
  const l = schema.ledger;
  const rows = await ctx.db
    .select({ eventId: l.eventId })
    .from(l)
    .where(
      and(
        arrayContains(l.subjectKeys, [q.subjectKey]),
        eq(l.type, q.type),
        gte(l.occurredAt, q.since),
        sql`${l.payload}->'evidence'->>${q.field} = ${q.value}`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

export interface OutboxMessage {
  id: string;
  topic: string;
  /** subjectKey|channel|purpose|topic: publish in id order per key. */
  key: string;
  /** JSON of the ChangelogEntry, `seq` = the outbox id. */
  value: string;
}

/** Oldest unpublished changelog rows first. */
export async function fetchOutbox(ctx: SuppressionContext, limit: number): Promise<OutboxMessage[]> {
  const o = schema.outbox;
  const rows = await ctx.db.select().from(o).where(isNull(o.publishedAt)).orderBy(asc(o.id)).limit(limit);
  return rows.map((r) => ({
    id: String(r.id),
    topic: r.topic,
    key: r.key,
    value: JSON.stringify({ ...(r.payload as Record<string, unknown>), seq: r.id }),
  }));
}

export async function markOutboxPublished(ctx: SuppressionContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const o = schema.outbox;
  await ctx.db
    .update(o)
    .set({ publishedAt: now(ctx) })
    .where(inArray(o.id, ids.map(Number)));
}

export interface DnsRequestRecord {
  requestId: string;
  eventId: string;
  requestedAt: string;
  asked: string[];
  method: string;
  gpc: boolean;
  combinedForm: boolean;
  agent: unknown;
  subjectKeys: string[];
  respondedAt: string | null;
  response: string;
  denialReason: string | null;
  retainUntil: string;
}

/** R-DNS-7: the request log (date, what was asked, how, date and nature of the response, denial reason). */
export async function listDnsRequests(
  ctx: SuppressionContext,
  opts: { since?: Date; subject?: SubjectInput } = {},
): Promise<DnsRequestRecord[]> {
  const d = schema.dnsRequests;
  const conds = [];
  if (opts.since) conds.push(gte(d.requestedAt, opts.since));
  if (opts.subject) conds.push(arrayOverlaps(d.subjectKeys, resolveSubject(ctx, opts.subject).keys));
  const rows = await ctx.db
    .select()
    .from(d)
    .where(conds.length > 0 ? and(...conds) : undefined)
    .orderBy(asc(d.requestedAt), asc(d.id));
  return rows.map((r) => ({
    requestId: r.requestId,
    eventId: r.eventId,
    requestedAt: r.requestedAt.toISOString(),
    asked: r.asked,
    method: r.method,
    gpc: r.gpc,
    combinedForm: r.combinedForm,
    agent: r.agent,
    subjectKeys: r.subjectKeys,
    respondedAt: r.respondedAt ? r.respondedAt.toISOString() : null,
    response: r.response,
    denialReason: r.denialReason,
    retainUntil: r.retainUntil.toISOString(),
  }));
}
