// apply(): one transaction per batch — ledger rows, state rows, outbox rows, vault copies, flags and
// the Do-Not-Sell request log, or none of them. Idempotent on event id; the state of each scope
// follows the newest occurredAt with suppression winning ties (DESIGN.md "The list").
import type { ChangelogEntry } from '@sp/contracts';
import { schema } from '@sp/db';
import { sql } from 'drizzle-orm';
import { now, type SuppressionContext } from './context';
import { type ListEvent, validateListEvent } from './events';
import { addMonths, type Plan, planEvent } from './plan';
import { CHANGELOG_TOPIC, writeCore } from './write';

export type { ChangelogEntry };
export { CHANGELOG_TOPIC };

export interface ApplyResult {
  /** Event ids newly recorded. */
  applied: string[];
  /** Event ids already in the ledger (or repeated in the batch): nothing changed for them. */
  duplicates: string[];
  /** State rows that changed, in the order their changelog rows were queued. */
  changes: ChangelogEntry[];
}

interface Ranked {
  occurredAt: Date;
  suppressed: boolean;
  eventId: string;
}

/** The order that decides a scope: newer occurredAt, then suppression, then event id (deterministic). */
export function compareRank(a: Ranked, b: Ranked): number {
  const t = a.occurredAt.getTime() - b.occurredAt.getTime();
  if (t !== 0) return t;
  if (a.suppressed !== b.suppressed) return a.suppressed ? 1 : -1;
  const x = a.eventId.toLowerCase();
  const y = b.eventId.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Changelog key of a subject's R-DNS-6 minor flag. */
export const minorKey = (subjectKey: string) => `${subjectKey}|minor`;

export const scopeKey = (r: { subjectKey: string; channel: string; purpose: string; topic: string }) =>
  `${r.subjectKey}|${r.channel}|${r.purpose}|${r.topic}`;

export async function apply(ctx: SuppressionContext, events: ListEvent[]): Promise<ApplyResult> {
  // Validate everything first: one invalid event -> ValidationError naming it, nothing written.
  return applyPlans(
    ctx,
    events.map((e) => planEvent(ctx, validateListEvent(e))),
  );
}

/** Writes planned events in one transaction (apply's second half; salvage plans come here too). */
export async function applyPlans(ctx: SuppressionContext, plans: Plan[]): Promise<ApplyResult> {
  const seen = new Set<string>();
  const unique: Plan[] = [];
  const repeated: string[] = [];
  for (const p of plans) {
    // The ledger's event id is a uuid: the same event in another letter case is a repeat too.
    const id = p.eventId.toLowerCase();
    if (seen.has(id)) repeated.push(p.eventId);
    else {
      seen.add(id);
      unique.push(p);
    }
  }
  if (unique.length === 0) return { applied: [], duplicates: repeated, changes: [] };
  const at = now(ctx);

  return ctx.db.transaction(async (tx) => {
    const written = await writeCore(tx, ctx, unique, at);
    const fresh = new Set(written.applied);
    const applied = unique.filter((p) => fresh.has(p.eventId.toLowerCase()));
    const duplicates = [
      ...unique.filter((p) => !fresh.has(p.eventId.toLowerCase())).map((p) => p.eventId),
      ...repeated,
    ];
    if (applied.length === 0) return { applied: [], duplicates, changes: [] };
    const changes: ChangelogEntry[] = written.changes;

    // R-DNS-6: minor flags; the earliest event that said so stays the reason.
    const minors = new Map<string, Plan>();
    for (const p of applied) {
      for (const k of p.minorKeys) {
        const cur = minors.get(k);
        if (!cur || compareRank({ ...p, suppressed: true }, { ...cur, suppressed: true }) < 0)
          minors.set(k, p);
      }
    }
    if (minors.size > 0) {
      const f = schema.subjectFlags;
      const changedFlags = await tx
        .insert(f)
        .values(
          [...minors].map(([subjectKey, p]) => ({
            subjectKey,
            minor: true,
            eventId: p.eventId,
            source: p.source,
            since: p.occurredAt,
            updatedAt: at,
          })),
        )
        .onConflictDoUpdate({
          target: f.subjectKey,
          set: {
            minor: sql`true`,
            eventId: sql.raw('excluded.event_id'),
            source: sql.raw('excluded.source'),
            since: sql.raw('excluded.since'),
            updatedAt: sql.raw('excluded.updated_at'),
          },
          setWhere: sql`${f.minor} = false or ${f.since} is null or excluded.since < ${f.since}`,
        })
        .returning();
      // The flag travels on the changelog too (key `<subject>|minor`), so a local view knows it.
      const flagged =
        changedFlags.length === 0
          ? []
          : await tx
              .insert(schema.outbox)
              .values(
                changedFlags
                  .sort((a, b) => (a.subjectKey < b.subjectKey ? -1 : 1))
                  .map((r) => ({
                    topic: CHANGELOG_TOPIC,
                    key: minorKey(r.subjectKey),
                    payload: {
                      subjectKey: r.subjectKey,
                      channel: 'any',
                      purpose: 'sale_share',
                      topic: '*',
                      suppressed: true,
                      reason: 'minor',
                      eventId: r.eventId,
                      source: r.source ?? '',
                      occurredAt: (r.since ?? r.updatedAt).toISOString(),
                      since: (r.since ?? r.updatedAt).toISOString(),
                      minor: true,
                    },
                  })),
              )
              .returning({ id: schema.outbox.id, payload: schema.outbox.payload });
      changes.push(
        ...flagged
          .sort((a, b) => a.id - b.id)
          .map((q) => ({ ...(q.payload as Omit<ChangelogEntry, 'seq'>), seq: q.id }) as ChangelogEntry),
      );
    }

    // R-DNS-7: every Do-Not-Sell request, with the date and nature of the response.
    const retention = Math.max(24, ctx.dnsRetentionMonths ?? 24);
    const dns = applied.filter((p) => p.dns);
    if (dns.length > 0) {
      await tx
        .insert(schema.dnsRequests)
        .values(
          dns.map((p) => {
            const d = p.dns!;
            return {
              requestId: d.requestId,
              eventId: p.eventId,
              requestedAt: p.occurredAt,
              asked: d.asked,
              method: d.method,
              gpc: d.gpc,
              combinedForm: d.combinedForm,
              agent: d.agent,
              subjectKeys: p.subjects.map((s) => s.key),
              respondedAt: at,
              response: d.response,
              denialReason: d.denialReason,
              retainUntil: addMonths(p.occurredAt, retention),
            };
          }),
        )
        .onConflictDoNothing();
    }

    return { applied: applied.map((p) => p.eventId), duplicates, changes };
  });
}
