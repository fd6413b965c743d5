// Issue 12: apply() beside the raw cost of its own rows, in one run. BENCH_EVENTS events (a third
// hard bounces, the rest topic opt-outs, every address new) go through apply() in batches of
// BENCH_BATCH; then exactly the rows it wrote (ledger, state, outbox, vault) are written again into
// a second fresh database, set-based with no application logic: one INSERT ... SELECT FROM
// jsonb_to_recordset per table and batch, the same batches (the baseline), and, for reference, one
// COPY of all of them.
// Run: pnpm --filter @sp/bench run apply  [BENCH_EVENTS=50000] [BENCH_BATCH=500]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { newEnvelope } from '@sp/contracts';
import { createDb, migrateDb } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { apply, type ListEvent, type SuppressionContext } from '@sp/suppression';
import { createFreshDatabase } from '@sp/testing';
import postgres from 'postgres';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const total = Number(process.env.BENCH_EVENTS ?? 50_000);
const batch = Number(process.env.BENCH_BATCH ?? 500);

const a = await createFreshDatabase(serverUrl, 'sp_bench_apply');
const b = await createFreshDatabase(serverUrl, 'sp_bench_applyraw');
const h = await createDb({ url: a.url, max: 4 });
const hb = await createDb({ url: b.url, max: 2 });
try {
  await migrateDb(h);
  await migrateDb(hb);
  const ctx: SuppressionContext = {
    db: h.db,
    keyer: createKeyer({ peppers: { b1: randomBytes(32).toString('hex') }, currentKeyId: 'b1' }),
    vault: { keyId: 'v1', key: randomBytes(32) },
    defaultRegion: 'US',
  };
  const events = Array.from(
    { length: total },
    (_, i): ListEvent =>
      i % 3 === 0
        ? newEnvelope('email.bounce.v1', 'bench', {
            email: `apply-${i}@list.example`,
            bounceType: 'Permanent',
          })
        : newEnvelope('consent.email-optout.v1', 'bench', {
            email: `apply-${i}@list.example`,
            method: 'link',
            topic: `t${i % 5}`,
          }),
  );

  let t = performance.now();
  for (let i = 0; i < events.length; i += batch) await apply(ctx, events.slice(i, i + batch));
  const applySeconds = (performance.now() - t) / 1000;

  // The rows apply() wrote, read back as JSON per table (not timed).
  const tables: Array<[string, string, string]> = [
    [
      'ledger',
      'event_id, type, source, occurred_at, recorded_at, subject_keys, key_id, scopes, payload',
      'event_id uuid, type text, source text, occurred_at timestamptz, recorded_at timestamptz, subject_keys text[], key_id text, scopes jsonb, payload jsonb',
    ],
    [
      'suppression_state',
      'subject_key, channel, purpose, topic, suppressed, reason, event_id, source, occurred_at, since, ask_again_after, detail, updated_at',
      'subject_key text, channel text, purpose text, topic text, suppressed boolean, reason text, event_id uuid, source text, occurred_at timestamptz, since timestamptz, ask_again_after timestamptz, detail jsonb, updated_at timestamptz',
    ],
    [
      'outbox',
      'id, topic, key, payload, created_at',
      'id bigint, topic text, key text, payload jsonb, created_at timestamptz',
    ],
    [
      'subject_vault',
      'subject_key, subject_type, ciphertext, key_id, created_at',
      'subject_key text, subject_type text, ciphertext text, key_id text, created_at timestamptz',
    ],
  ];
  const src = postgres(a.url, { max: 1, onnotice: () => {} });
  const data: Record<string, unknown[]> = {};
  for (const [table, cols] of tables) {
    data[table] = await src.unsafe(`select ${cols} from ${table} order by 1`);
  }
  await src.end();

  // Baseline: the same rows, set-based, in the same number of transactions.
  const dst = postgres(b.url, { max: 1, onnotice: () => {} });
  const perBatch = (rows: unknown[], k: number) => {
    const n = Math.ceil(rows.length / Math.ceil(total / batch));
    return rows.slice(k * n, (k + 1) * n);
  };
  t = performance.now();
  for (let k = 0; k < Math.ceil(total / batch); k++) {
    await dst.begin(async (tx) => {
      for (const [table, cols, types] of tables) {
        const rows = perBatch(data[table]!, k);
        if (rows.length === 0) continue;
        await tx.unsafe(
          `insert into ${table} (${cols}) select ${cols} from jsonb_to_recordset($1::jsonb) as x(${types})`,
          [rows as never],
        );
      }
    });
  }
  const rawSeconds = (performance.now() - t) / 1000;
  await dst.end();

  // Reference: one COPY of the same rows into a third database (psql reads and loads; timed).
  const c = await createFreshDatabase(serverUrl, 'sp_bench_applycopy');
  const hc = await createDb({ url: c.url, max: 1 });
  await migrateDb(hc);
  await hc.close();
  let copySeconds = 0;
  try {
    for (const [table, cols] of tables) {
      const dump = execFileSync('psql', [a.url, '-qAtc', `\\copy ${table} (${cols}) to stdout`], {
        maxBuffer: 2 ** 30,
      });
      const s = performance.now();
      execFileSync('psql', [c.url, '-qAtc', `\\copy ${table} (${cols}) from stdin`], { input: dump });
      copySeconds += (performance.now() - s) / 1000;
    }
  } finally {
    await c.drop();
  }

  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg()[0]?.toFixed(1)}`,
        events: total,
        batch,
        applyEventsPerSecond: Math.round(total / applySeconds),
        rawSameRowsSetBasedPerSecond: Math.round(total / rawSeconds),
        applyVsRaw: `${Math.round((rawSeconds / applySeconds) * 100)}%`,
        rawSameRowsOneCopyPerSecond: Math.round(total / copySeconds),
      },
      null,
      2,
    ),
  );
} finally {
  await h.close();
  await hb.close();
  await a.drop();
  await b.drop();
}
