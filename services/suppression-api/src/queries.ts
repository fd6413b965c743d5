// Read-only queries of the API that the domain package does not offer: the paged listing, the
// export stream and the statistics. Drizzle over @sp/db's schema; nothing here writes.
import { createDecipheriv } from 'node:crypto';
import { type Database, schema } from '@sp/db';
import { and, asc, count, countDistinct, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { COMPLAINT_RATE_ALERT, COMPLAINT_RATE_TARGET, type ListedEntry, type StatsResponse } from './schemas';

interface Vault {
  keyId: string;
  key: Buffer;
}

/** A page's last row: when it took effect (PostgreSQL's own text of it, exact) and its scope. */
interface Cursor {
  s: string;
  k: string;
  c: string;
  p: string;
  t: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.s, c.k, c.c, c.p, c.t])).toString('base64url');
}

/** null when the cursor is not one we made. */
export function decodeCursor(raw: string): Cursor | null {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 5 || !v.every((x) => typeof x === 'string')) return null;
    const [s, k, c, p, t] = v as [string, string, string, string, string];
    if (Number.isNaN(Date.parse(s))) return null;
    return { s, k, c, p, t };
  } catch {
    return null;
  }
}

// The vault's sealed format (packages/suppression vault.ts): base64 of iv(12) | tag(16) | ciphertext,
// AES-256-GCM with the subject key as additional data. Opened here in bulk for a page or an export.
function openVaultCopy(
  vault: Vault,
  subjectKey: string,
  keyId: string | null,
  sealed: string | null,
): string | null {
  if (!sealed || keyId !== vault.keyId) return null;
  try {
    const buf = Buffer.from(sealed, 'base64');
    const d = createDecipheriv('aes-256-gcm', vault.key, buf.subarray(0, 12));
    d.setAAD(Buffer.from(subjectKey));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

export interface PageOptions {
  limit: number;
  cursor?: Cursor | null;
  channel?: string | undefined;
  purpose?: string | undefined;
  reason?: string | undefined;
  source?: string | undefined;
  topic?: string | undefined;
  /** When the entry took effect: at or after `since`, before `until` (ISO-8601). */
  since?: string | undefined;
  until?: string | undefined;
  /** Newest first unless 'oldest'. */
  order?: 'newest' | 'oldest' | undefined;
  /** Only these subject keys (a lookup by address: every pepper's key of it). */
  subjectKeys?: string[] | undefined;
  /** Decrypt readable addresses with this vault key (admin callers only). */
  reveal?: Vault | undefined;
}

/**
 * One page of active suppressions by when they took effect, then by key (keyset pagination on
 * both: stable under concurrent writes).
 */
export async function listEntries(
  db: Database,
  opts: PageOptions,
): Promise<{ entries: ListedEntry[]; nextCursor: string | null }> {
  const s = schema.suppressionState;
  const v = schema.subjectVault;
  // An active entry always has `since` (apply sets it with the suppression); the order and the
  // cursor use it as is, so suppression_state_active_since_idx (migration 0006) serves the page.
  const took = s.since;
  const conds = [eq(s.suppressed, true)];
  if (opts.channel) conds.push(eq(s.channel, opts.channel));
  if (opts.purpose) conds.push(eq(s.purpose, opts.purpose));
  if (opts.reason) conds.push(eq(s.reason, opts.reason));
  if (opts.source) conds.push(eq(s.source, opts.source));
  if (opts.topic) conds.push(eq(s.topic, opts.topic));
  if (opts.since) conds.push(sql`${took} >= ${opts.since}::timestamptz`);
  if (opts.until) conds.push(sql`${took} < ${opts.until}::timestamptz`);
  if (opts.subjectKeys) conds.push(inArray(s.subjectKey, opts.subjectKeys));
  const newest = opts.order !== 'oldest';
  const c = opts.cursor;
  if (c) {
    const row = sql`(${took}, ${s.subjectKey}, ${s.channel}, ${s.purpose}, ${s.topic})`;
    const after = sql`(${c.s}::timestamptz, ${c.k}, ${c.c}, ${c.p}, ${c.t})`;
    conds.push(newest ? sql`${row} < ${after}` : sql`${row} > ${after}`);
  }
  const dir = newest ? desc : asc;
  const rows = await db
    .select({
      subjectKey: s.subjectKey,
      channel: s.channel,
      purpose: s.purpose,
      topic: s.topic,
      reason: s.reason,
      source: s.source,
      eventId: s.eventId,
      since: s.since,
      took: sql<string>`${took}::text`,
      detail: s.detail,
      subjectType: v.subjectType,
      ciphertext: v.ciphertext,
      keyId: v.keyId,
    })
    .from(s)
    .leftJoin(v, eq(v.subjectKey, s.subjectKey))
    .where(and(...conds))
    .orderBy(dir(took), dir(s.subjectKey), dir(s.channel), dir(s.purpose), dir(s.topic))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  const entries = page.map((r) => ({
    subjectKey: r.subjectKey,
    subjectType: r.subjectType ?? null,
    ...(opts.reveal ? { address: openVaultCopy(opts.reveal, r.subjectKey, r.keyId, r.ciphertext) } : {}),
    channel: r.channel,
    purpose: r.purpose,
    topic: r.topic,
    reason: r.reason,
    source: r.source,
    eventId: r.eventId,
    since: r.since ? new Date(r.since).toISOString() : null,
    detail: (r.detail ?? null) as Record<string, unknown> | null,
  }));
  return {
    entries,
    nextCursor:
      rows.length > opts.limit && last
        ? encodeCursor({ s: last.took, k: last.subjectKey, c: last.channel, p: last.purpose, t: last.topic })
        : null,
  };
}

/** Every active suppression, page by page (for the streaming export). */
export async function* iterateEntries(
  db: Database,
  opts: Omit<PageOptions, 'cursor' | 'limit'> & { pageSize?: number },
): AsyncGenerator<ListedEntry> {
  let cursor: Cursor | null = null;
  for (;;) {
    const page = await listEntries(db, { ...opts, limit: opts.pageSize ?? 1000, cursor });
    yield* page.entries;
    if (!page.nextCursor) return;
    cursor = decodeCursor(page.nextCursor);
  }
}

const COMPLAINT_TYPE = 'abuse.complaint.v1';

/** Counts per reason and channel, and the R-OC-5 spam-complaint rate over the last `windowDays`. */
export async function stats(db: Database, opts: { windowDays: number; now: Date }): Promise<StatsResponse> {
  const s = schema.suppressionState;
  const l = schema.ledger;
  const d = schema.deliveryLog;
  const from = new Date(opts.now.getTime() - opts.windowDays * 86_400_000);
  const [groups, subjects, complaints, sent] = await Promise.all([
    db
      .select({ reason: s.reason, channel: s.channel, purpose: s.purpose, count: count() })
      .from(s)
      .where(eq(s.suppressed, true))
      .groupBy(s.reason, s.channel, s.purpose)
      .orderBy(asc(s.reason), asc(s.channel), asc(s.purpose)),
    db
      .select({ n: countDistinct(s.subjectKey) })
      .from(s)
      .where(eq(s.suppressed, true)),
    db
      .select({ n: count() })
      .from(l)
      .where(and(eq(l.type, COMPLAINT_TYPE), gte(l.occurredAt, from))),
    // Sent marketing email: the senders' delivery log (category 'marketing', status 'sent').
    db
      .select({ n: count() })
      .from(d)
      .where(
        and(
          eq(d.channel, 'email'),
          eq(d.category, 'marketing'),
          eq(d.status, 'sent'),
          gte(d.createdAt, from),
        ),
      ),
  ]);
  const nComplaints = Number(complaints[0]?.n ?? 0);
  const nSent = Number(sent[0]?.n ?? 0);
  const rate = nSent > 0 ? nComplaints / nSent : null;
  const status =
    rate === null
      ? 'no-data'
      : rate >= COMPLAINT_RATE_ALERT
        ? 'alert'
        : rate >= COMPLAINT_RATE_TARGET
          ? 'above-target'
          : 'ok';
  return {
    suppressedSubjects: Number(subjects[0]?.n ?? 0),
    entries: groups.map((g) => ({ ...g, count: Number(g.count) })),
    complaintRate: {
      windowDays: opts.windowDays,
      from: from.toISOString(),
      to: opts.now.toISOString(),
      complaints: nComplaints,
      sentMarketingEmail: nSent,
      rate,
      target: COMPLAINT_RATE_TARGET,
      alertThreshold: COMPLAINT_RATE_ALERT,
      status,
    },
  };
}
