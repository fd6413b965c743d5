// apply()'s writes as ONE set-based statement per batch: ledger rows, the batch's winner per scope
// upserted into the state (newest occurredAt, then suppression, then event id — compareRank), one
// outbox row per state row that changed, and the vault copies of newly recorded events. Each table
// gets one jsonb parameter read with jsonb_to_recordset, so the statement text is the same for every
// batch size (prepared once) and a batch costs one round trip instead of one per table.
import type { ChangelogEntry } from '@sp/contracts';
import { sql } from 'drizzle-orm';
import type { SuppressionContext } from './context';
import type { Plan } from './plan';
import { changelogCte, stateUpsertCte } from './state-sql';
import { sealAddress } from './vault';

export const CHANGELOG_TOPIC = 'suppression.changelog.v1';

// biome-ignore lint/suspicious/noExplicitAny: a drizzle transaction of either driver.
type Tx = { execute(q: ReturnType<typeof sql>): Promise<any> };

const STATEMENT = `
with e as (
  select * from jsonb_to_recordset($1::jsonb) as x(
    id uuid, type text, source text, at timestamptz, keys text[], kid text, scopes jsonb, payload jsonb)
),
ins as (
  insert into ledger (event_id, type, source, occurred_at, recorded_at, subject_keys, key_id, scopes, payload)
  select id, type, source, at, $4::timestamptz, keys, kid, scopes, payload from e order by id
  on conflict do nothing
  returning event_id
),
w as (
  select distinct on (x.sk, x.ch, x.pu, x.tp) x.*
  from jsonb_to_recordset($2::jsonb) as x(
    id uuid, sk text, ch text, pu text, tp text, su boolean, re text, src text, at timestamptz,
    aa timestamptz, de jsonb)
  join ins on ins.event_id = x.id
  order by x.sk, x.ch, x.pu, x.tp, x.at desc, x.su desc, x.id desc
),
${stateUpsertCte('src', '$4')},
${changelogCte('$5', 'id, payload')},
v as (
  insert into subject_vault (subject_key, subject_type, ciphertext, key_id, created_at)
  select distinct on (x.sk) x.sk, x.ty, x.ct, x.kid, $4::timestamptz
  from jsonb_to_recordset($3::jsonb) as x(id uuid, sk text, ty text, ct text, kid text)
  join ins on ins.event_id = x.id
  order by x.sk
  on conflict do nothing
  returning 1
)
select
  (select coalesce(jsonb_agg(event_id), '[]'::jsonb) from ins) as applied,
  (select coalesce(jsonb_agg(jsonb_build_object('seq', id, 'p', payload) order by id), '[]'::jsonb) from ob) as changes,
  (select count(*) from v)::int as vaulted`;

/** Splits "$1 ... $5" into the pieces drizzle's sql template joins with parameters. */
const parts = STATEMENT.split(/\$(\d)(?!\d)/);

function statement(params: unknown[]) {
  return sql.join(parts.map((p, i) => (i % 2 === 0 ? sql.raw(p) : sql.param(params[Number(p) - 1]))));
}

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : ((r as { rows: T[] }).rows ?? [])) as T[];

export interface CoreResult {
  /** Event ids (lower case) newly recorded. */
  applied: string[];
  changes: ChangelogEntry[];
}

/** Ledger + state + outbox + vault for `plans` (distinct event ids), in the caller's transaction. */
export async function writeCore(
  tx: Tx,
  ctx: SuppressionContext,
  plans: Plan[],
  at: Date,
): Promise<CoreResult> {
  const events: unknown[] = [];
  const writes: unknown[] = [];
  const copies: unknown[] = [];
  const vault = ctx.vault;
  for (const p of plans) {
    const occurredAt = p.occurredAt.toISOString();
    events.push({
      id: p.eventId,
      type: p.type,
      source: p.source,
      at: occurredAt,
      keys: p.subjectKeys ?? p.subjects.map((s) => s.key),
      kid: p.keyId ?? ctx.keyer.currentKeyId,
      scopes: p.writes.map((w) => ({
        subjectKey: w.subjectKey,
        channel: w.channel,
        purpose: w.purpose,
        topic: w.topic,
        suppressed: w.suppressed,
        reason: w.reason,
      })),
      payload: p.payload,
    });
    for (const w of p.writes) {
      writes.push({
        id: p.eventId,
        sk: w.subjectKey,
        ch: w.channel,
        pu: w.purpose,
        tp: w.topic,
        su: w.suppressed,
        re: w.reason,
        src: p.source,
        at: occurredAt,
        aa: w.askAgainAfter ? w.askAgainAfter.toISOString() : null,
        de: w.detail,
      });
    }
    // The readable copies, encrypted, apart from the list.
    if (vault) {
      for (const s of p.subjects) {
        copies.push({
          id: p.eventId,
          sk: s.key,
          ty: s.subject.type,
          ct: sealAddress(vault.key, s.key, s.subject.value),
          kid: vault.keyId,
        });
      }
    }
  }
  const res = await tx.execute(
    statement([
      JSON.stringify(events),
      JSON.stringify(writes),
      JSON.stringify(copies),
      at.toISOString(),
      CHANGELOG_TOPIC,
    ]),
  );
  const row = rowsOf<{ applied: unknown; changes: unknown }>(res)[0]!;
  const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const applied = json<string[]>(row.applied).map((x) => x.toLowerCase());
  const changes = json<Array<{ seq: number | string; p: Omit<ChangelogEntry, 'seq'> }>>(row.changes).map(
    (c) => ({ ...c.p, seq: Number(c.seq) }) as ChangelogEntry,
  );
  return { applied, changes };
}
