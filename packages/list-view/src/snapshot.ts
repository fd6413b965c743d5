// Bootstrap and freshness helpers that read PostgreSQL: a snapshot of the state rows and minor
// flags (keyset pages, works on postgres.js and PGlite alike), and the outbox probe.
import type { Database } from '@sp/db';
import { CHANGELOG_TOPIC } from '@sp/suppression';
import { sql } from 'drizzle-orm';
import type { StoreEntry } from './store';
import type { ListView, OutboxProbe } from './view';

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(Math.round(Number(v))).toISOString();

/**
 * Loads suppression_state and the minor flags into the view. Entries merge by rank, so the
 * changelog read afterwards from its beginning (or any part of it) only adds what is newer:
 * the snapshot need not be cut at an exact outbox sequence to be correct.
 */
export async function loadSnapshot(
  db: Database,
  view: ListView,
  opts: { pageSize?: number } = {},
): Promise<number> {
  const page = opts.pageSize ?? 50_000;
  let n = 0;
  let after: [string, string, string, string] | null = null;
  for (;;) {
    const cond = after
      ? sql`where (subject_key, channel, purpose, topic) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]})`
      : sql``;
    const rows = rowsOf(
      await db.execute(sql`
        select subject_key, channel, purpose, topic, suppressed, reason, event_id::text as event_id, source,
               extract(epoch from occurred_at) * 1000 as occurred_ms,
               extract(epoch from since) * 1000 as since_ms,
               extract(epoch from ask_again_after) * 1000 as ask_ms, detail
          from suppression_state ${cond}
         order by subject_key, channel, purpose, topic limit ${page}`),
    );
    const entries: StoreEntry[] = rows.map((r) => ({
      subjectKey: String(r.subject_key),
      channel: String(r.channel),
      purpose: String(r.purpose),
      topic: String(r.topic),
      suppressed: r.suppressed === true || r.suppressed === 't',
      reason: String(r.reason),
      eventId: String(r.event_id),
      source: String(r.source),
      occurredAt: iso(r.occurred_ms)!,
      since: iso(r.since_ms),
      askAgainAfter: iso(r.ask_ms),
      detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as StoreEntry['detail'],
    }));
    view.ingest(entries);
    n += entries.length;
    if (rows.length < page) break;
    const l = rows[rows.length - 1]!;
    after = [String(l.subject_key), String(l.channel), String(l.purpose), String(l.topic)];
  }
  const flags = rowsOf(
    await db.execute(sql`
      select subject_key, event_id::text as event_id, coalesce(source, '') as source,
             extract(epoch from coalesce(since, updated_at)) * 1000 as since_ms
        from subject_flags where minor`),
  );
  view.ingest(
    flags.map((r) => ({
      subjectKey: String(r.subject_key),
      channel: 'any',
      purpose: 'sale_share',
      topic: '*',
      suppressed: true,
      reason: 'minor',
      eventId: r.event_id === null ? '' : String(r.event_id),
      source: String(r.source),
      occurredAt: iso(r.since_ms)!,
      since: iso(r.since_ms),
      minor: true,
    })),
  );
  return n + flags.length;
}

/** Freshness from the database side: how old the oldest changelog row the relay has not published is. */
export function outboxProbe(db: Database): OutboxProbe {
  return async () => {
    const [r] = rowsOf(
      await db.execute(sql`
        select extract(epoch from now() - min(created_at)) * 1000 as age
          from outbox where published_at is null and topic = ${CHANGELOG_TOPIC}`),
    );
    const age = r?.age;
    return { pendingAgeMs: age === null || age === undefined ? null : Math.max(0, Number(age)) };
  };
}
