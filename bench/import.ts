// Issue 12: a migration import of BENCH_ROWS rows (default 1 million) of a SendGrid bounces CSV
// export through the import path (@sp/importers reading the file, planImported, writeImported in
// set-based batches: what POST /v1/import runs for each request of `suppress import`), beside a raw
// COPY of exactly the rows it wrote (ledger, state, outbox, vault) into a second fresh database, in
// the same run. Also a re-import of the same file (every row a duplicate).
// Run: pnpm --filter @sp/bench run import  [BENCH_ROWS=1000000] [BENCH_BATCH=5000]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createDb, migrateDb } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { readImport } from '@sp/importers';
import { type Plan, planImported, type SuppressionContext, writeImported } from '@sp/suppression';
import { createFreshDatabase } from '@sp/testing';
import postgres from 'postgres';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const batchSize = Number(process.env.BENCH_BATCH ?? 5000);

const dir = await mkdtemp(join(tmpdir(), 'sp-bench-import-'));
const file = join(dir, 'sendgrid-bounces.csv');
{
  const out = createWriteStream(file);
  out.write('email,created,reason,status\n');
  for (let i = 0; i < rows; i++) {
    const line = `user${i}@migrated${i % 97}.example,${1_600_000_000 + i},"550 5.1.1 The email account that you tried to reach does not exist, sorry",5.1.1\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

const a = await createFreshDatabase(serverUrl, 'sp_bench_imp');
const b = await createFreshDatabase(serverUrl, 'sp_bench_raw');
const h = await createDb({ url: a.url, max: 4 });
const hb = await createDb({ url: b.url, max: 2 });
let peakRss = process.memoryUsage().rss;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
try {
  await migrateDb(h);
  await migrateDb(hb);
  const ctx: SuppressionContext = {
    db: h.db,
    keyer: createKeyer({ peppers: { b1: randomBytes(32).toString('hex') }, currentKeyId: 'b1' }),
    vault: { keyId: 'v1', key: randomBytes(32) },
    defaultRegion: 'US',
  };

  const importOnce = async () => {
    const t = performance.now();
    let accepted = 0;
    let duplicates = 0;
    let batch: Plan[] = [];
    const now = new Date();
    for await (const x of readImport(createReadStream(file), 'sendgrid-bounces')) {
      if (x.kind !== 'entry') continue;
      const p = planImported(
        ctx,
        x.entry,
        { file: 'sendgrid-bounces.csv', line: x.line, operator: 'bench' },
        now,
      );
      if (typeof p === 'string') throw new Error(p);
      batch.push(p);
      if (batch.length >= batchSize) {
        const r = await writeImported(ctx, batch);
        accepted += r.accepted;
        duplicates += r.duplicates;
        batch = [];
        sample();
      }
    }
    if (batch.length > 0) {
      const r = await writeImported(ctx, batch);
      accepted += r.accepted;
      duplicates += r.duplicates;
    }
    return { seconds: (performance.now() - t) / 1000, accepted, duplicates };
  };

  const rssBefore = process.memoryUsage().rss;
  const first = await importOnce();
  const again = await importOnce();

  // Baseline: COPY the very rows the import wrote into the second database.
  const dst = postgres(b.url, { max: 1, onnotice: () => {} });
  const tables: Array<[string, string]> = [
    ['ledger', 'event_id, type, source, occurred_at, recorded_at, subject_keys, key_id, scopes, payload'],
    [
      'suppression_state',
      'subject_key, channel, purpose, topic, suppressed, reason, event_id, source, occurred_at, since, ask_again_after, detail, updated_at',
    ],
    ['outbox', 'id, topic, key, payload, created_at, published_at'],
    ['subject_vault', 'subject_key, subject_type, ciphertext, key_id, created_at'],
  ];
  // The rows as COPY text (psql reads them out; only the load into the second database is timed).
  const dumps: Array<{ table: string; cols: string; data: Buffer }> = [];
  for (const [table, cols] of tables) {
    const data = execFileSync('psql', [a.url, '-qAtc', `\\copy ${table} (${cols}) to stdout`], {
      maxBuffer: 4 * 2 ** 30,
    });
    dumps.push({ table, cols, data });
  }
  const t = performance.now();
  await dst.begin(async (tx) => {
    for (const d of dumps) {
      const writable = await tx.unsafe(`copy ${d.table} (${d.cols}) from stdin`).writable();
      await pipeline(
        (async function* () {
          for (let i = 0; i < d.data.length; i += 1 << 20) yield d.data.subarray(i, i + (1 << 20));
        })(),
        writable,
      );
    }
  });
  const rawSeconds = (performance.now() - t) / 1000;
  await dst.end();

  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg()[0]?.toFixed(1)}`,
        rows,
        batch: batchSize,
        import: {
          rowsPerSecond: Math.round(rows / first.seconds),
          seconds: Number(first.seconds.toFixed(1)),
          accepted: first.accepted,
        },
        reimport: {
          rowsPerSecond: Math.round(rows / again.seconds),
          accepted: again.accepted,
          duplicates: again.duplicates,
        },
        rawCopySameRows: {
          rowsPerSecond: Math.round(rows / rawSeconds),
          seconds: Number(rawSeconds.toFixed(1)),
        },
        importVsRaw: `${Math.round((rawSeconds / first.seconds) * 100)}%`,
        peakRssMiB: Math.round(peakRss / 2 ** 20),
        rssGrowthMiB: Math.round((peakRss - rssBefore) / 2 ** 20),
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
  await rm(dir, { recursive: true, force: true });
}
