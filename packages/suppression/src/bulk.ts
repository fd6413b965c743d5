// The bulk path of migration imports (issue 12): a chunk of imported plans is streamed with
// `COPY … FROM STDIN` into a temporary staging table, then written by ONE set-based statement to the
// ledger, the state, the outbox and the vault, in one transaction per chunk. It writes exactly what
// apply()'s writeCore writes for the same plans (same ledger rows, same winner per scope by
// compareRank, same changelog payloads, same vault copies), idempotent on event id: a re-imported
// chunk inserts no ledger row, so it changes no state, queues no changelog and keeps no new copy.
// PGlite (the embedded `npm start`) has no COPY FROM STDIN here: it takes writeImported.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { now, type SuppressionContext } from './context';
import { writeImported } from './import';
import type { Plan } from './plan';
import { changelogCte, stateUpsertCte } from './state-sql';
import { sealAddress } from './vault';
import { CHANGELOG_TOPIC } from './write';

/** The little of a postgres.js client the bulk path uses (drizzle's `db.$client`). */
interface CopyClient {
  begin<T>(fn: (tx: CopyTx) => Promise<T>): Promise<T>;
}
interface CopyTx {
  unsafe(
    text: string,
    params?: unknown[],
  ): PromiseLike<unknown[]> & {
    writable(): Promise<NodeJS.WritableStream>;
  };
}

/** The postgres.js client behind the context's database, or null (PGlite). */
function copyClient(ctx: SuppressionContext): CopyClient | null {
  const c = (ctx.db as unknown as { $client?: { begin?: unknown; unsafe?: unknown } }).$client;
  return c && typeof c.begin === 'function' && typeof c.unsafe === 'function'
    ? (c as unknown as CopyClient)
    : null;
}

const STAGE = `create temp table import_stage (
  id uuid, type text, source text, at timestamptz, sk text, kid text, ch text, pu text, tp text,
  su boolean, re text, aa timestamptz, de jsonb, payload jsonb, ty text, ct text, vkid text
) on commit drop`;

// $1 recorded_at / updated_at / created_at, $2 the changelog topic. The same CTEs as writeCore.
const WRITE = `
with ins as (
  insert into ledger (event_id, type, source, occurred_at, recorded_at, subject_keys, key_id, scopes, payload)
  select id, type, source, at, $1::timestamptz, array[sk], kid,
    jsonb_build_array(jsonb_build_object('subjectKey', sk, 'channel', ch, 'purpose', pu, 'topic', tp,
      'suppressed', su, 'reason', re)),
    payload
  from import_stage order by id
  on conflict do nothing
  returning event_id
),
w as (
  select distinct on (x.sk, x.ch, x.pu, x.tp) x.*
  from import_stage x join ins on ins.event_id = x.id
  order by x.sk, x.ch, x.pu, x.tp, x.at desc, x.su desc, x.id desc
),
${stateUpsertCte('source', '$1')},
${changelogCte('$2', '1')},
v as (
  insert into subject_vault (subject_key, subject_type, ciphertext, key_id, created_at)
  select distinct on (x.sk) x.sk, x.ty, x.ct, x.vkid, $1::timestamptz
  from import_stage x join ins on ins.event_id = x.id
  where x.ct is not null
  order by x.sk
  on conflict do nothing
  returning 1
)
select (select count(*) from ins)::int as applied, (select count(*) from ob)::int as changes`;

/** COPY's text format: backslash, tab, newline and carriage return escaped; null is \N. */
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const field = (s: string | null): string =>
  s === null ? '\\N' : SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESCAPES[c]!) : s;

/** A plan the bulk path can stage: one subject, at most one write, nothing beside the list. */
export function isBulkPlan(p: Plan): boolean {
  return (
    p.subjects.length === 1 &&
    p.writes.length === 1 &&
    p.subjectKeys === undefined &&
    p.minorKeys.length === 0 &&
    p.dns === null &&
    p.writes[0]!.subjectKey === p.subjects[0]!.key
  );
}

/** The staging rows of `plans` (distinct event ids) as COPY text, in pieces of about 1 MiB. */
function* copyText(ctx: SuppressionContext, plans: Plan[]): Generator<string> {
  const vault = ctx.vault;
  const keyId = ctx.keyer.currentKeyId;
  // The vault copies' IVs, drawn in one call (one getrandom per 1,024 rows, not per row).
  let ivs = Buffer.alloc(0);
  let next = 0;
  const iv = () => {
    if (next + 12 > ivs.length) {
      ivs = randomBytes(12 * 1024);
      next = 0;
    }
    next += 12;
    return ivs.subarray(next - 12, next);
  };
  let out = '';
  for (const p of plans) {
    const w = p.writes[0]!;
    const s = p.subjects[0]!;
    const ct = vault ? sealAddress(vault.key, s.key, s.subject.value, iv()) : null;
    out +=
      `${p.eventId}\t${field(p.type)}\t${field(p.source)}\t${p.occurredAt.toISOString()}\t${field(s.key)}\t` +
      `${field(p.keyId ?? keyId)}\t${w.channel}\t${w.purpose}\t${field(w.topic)}\t${w.suppressed ? 't' : 'f'}\t` +
      `${w.reason}\t${w.askAgainAfter ? w.askAgainAfter.toISOString() : '\\N'}\t` +
      `${w.detail ? field(JSON.stringify(w.detail)) : '\\N'}\t${field(JSON.stringify(p.payload))}\t` +
      `${field(s.subject.type)}\t${ct ?? '\\N'}\t${vault ? field(vault.keyId) : '\\N'}\n`;
    if (out.length >= 1 << 20) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}

/**
 * Writes one chunk of imported plans through COPY and one set-based statement (one transaction);
 * counts new entries and duplicates. Plans the bulk path cannot stage, and PGlite, go through
 * writeImported (apply's writer), which writes the same rows.
 */
export async function writeImportedBulk(
  ctx: SuppressionContext,
  plans: Plan[],
): Promise<{ accepted: number; duplicates: number; via: 'copy' | 'apply' }> {
  const client = copyClient(ctx);
  if (client === null || !plans.every(isBulkPlan))
    return { ...(await writeImported(ctx, plans)), via: 'apply' };
  const seen = new Set<string>();
  const unique: Plan[] = [];
  for (const p of plans) {
    const id = p.eventId.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    unique.push(p);
  }
  if (unique.length === 0) return { accepted: 0, duplicates: plans.length, via: 'copy' };
  const at = now(ctx).toISOString();
  for (let deadlocks = 0; ; deadlocks++) {
    try {
      const applied = await client.begin(async (tx) => {
        // The staging table has no statistics: the planner guesses costs high enough to JIT-compile
        // the statement (about half its time on a chunk of 10,000), and sorts spill at 4 MB.
        await tx.unsafe('set local jit = off');
        await tx.unsafe("set local work_mem = '64MB'");
        await tx.unsafe(STAGE);
        const sink = await tx.unsafe('copy import_stage from stdin').writable();
        await pipeline(Readable.from(copyText(ctx, unique)), sink);
        const [row] = (await tx.unsafe(WRITE, [at, CHANGELOG_TOPIC])) as Array<{ applied: number }>;
        return row!.applied;
      });
      return { accepted: applied, duplicates: plans.length - applied, via: 'copy' };
    } catch (err) {
      // Two imports at once can meet on the same rows in another order: PostgreSQL aborts one with a
      // deadlock; the chunk is one transaction, so run it again.
      if (!isRetryable(err) || deadlocks >= 5) throw err;
    }
  }
}

/** SQLSTATE 40P01 (deadlock) or 40001 (serialization failure) anywhere in the cause chain. */
function isRetryable(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}
