// Issue 12: a migration import of BENCH_ROWS rows (default 1 million) of a SendGrid bounces CSV
// export, end to end as an operator runs it: `suppress import` (the CLI's importFile: reads the
// file with @sp/importers, sends NDJSON batches of BENCH_BATCH lines, BENCH_CONCURRENCY at once) to
// `POST /v1/import` of the API listening on loopback in this process (planImported, then COPY into
// a staging table and one set-based statement per chunk: writeImportedBulk). Then a re-import of
// the same file (every row a duplicate). The baseline, in the same run: a `COPY` of exactly the rows
// the import wrote (ledger, state, outbox, vault) into a second fresh database.
// Besides wall time: CPU seconds of this process (CLI + API) and of the PostgreSQL backends serving
// each database (read from /proc: the server is local), which hold up better than wall time when
// other work shares the 2 cores.
// Run: pnpm --filter @sp/bench run import  [BENCH_ROWS=1000000] [BENCH_BATCH=10000] [BENCH_CONCURRENCY=2]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createClient, importFile } from '@sp/cli';
import { createDb, migrateDb } from '@sp/db';
import { createKeyer, createSealer } from '@sp/identity';
import { silentLogger } from '@sp/observability';
import type { SuppressionContext } from '@sp/suppression';
import { buildApi, loadConfig } from '@sp/suppression-api';
import { createFreshDatabase } from '@sp/testing';
import postgres from 'postgres';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const batchSize = Number(process.env.BENCH_BATCH ?? 10_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 2);

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

const a = await createFreshDatabase(serverUrl, 'sp_bench_import');
const b = await createFreshDatabase(serverUrl, 'sp_bench_import_raw');
const h = await createDb({ url: a.url, max: 4 });
let peakRss = process.memoryUsage.rss();
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 100);

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
/** CPU milliseconds (user + system) of every PostgreSQL backend connected to `database`. */
async function backendCpuMs(database: string): Promise<Map<number, number>> {
  const pids = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database}`;
  const out = new Map<number, number>();
  for (const { pid } of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // not on this machine (a remote server): no server CPU figure
    }
  }
  return out;
}
const cpuSince = (before: Map<number, number>, after: Map<number, number>) => {
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
};
const dbName = (url: string) => new URL(url).pathname.slice(1);

const secret = () => randomBytes(24).toString('base64url');
const token = `adm-${secret()}`;
try {
  await migrateDb(h);
  const config = loadConfig({
    DATABASE_URL: a.url,
    API_TOKENS: `bench-admin=${token}:admin`,
    SUBJECT_PEPPERS: `p1:${secret()}`,
    TOKEN_KEYS: `t1:${randomBytes(32).toString('base64url')}`,
    VAULT_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    PUBLIC_BASE_URL: 'https://shop.example/',
    UNSUBSCRIBE_DOMAIN: 'unsub.shop.example',
    IMPORT_BATCH_SIZE: String(batchSize),
  });
  const ctx: SuppressionContext = {
    db: h.db,
    keyer: createKeyer({
      peppers: config.subjectPeppers.keys,
      currentKeyId: config.subjectPeppers.currentKeyId,
    }),
    defaultRegion: config.defaultRegion,
    ...(config.vault ? { vault: config.vault } : {}),
  };
  const sealer = createSealer({ keys: config.tokenKeys.keys, currentKeyId: config.tokenKeys.currentKeyId });
  const app = buildApi({ ctx, sealer, config, logger: silentLogger() });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const client = createClient(`http://127.0.0.1:${address.port}`, token);

  const progress: string[] = [];
  const importOnce = async () => {
    peakRss = process.memoryUsage.rss();
    const rssAtStart = peakRss;
    const cpu0 = process.cpuUsage();
    const pg0 = await backendCpuMs(dbName(a.url));
    const t = performance.now();
    const report = await importFile(client, {
      file,
      format: 'sendgrid-bounces',
      actor: 'bench',
      batchLines: batchSize,
      concurrency,
      dryRun: false,
      formatOptions: {},
      stderr: {
        write: (s: string) => {
          progress.push(s);
          return true;
        },
      } as unknown as NodeJS.WritableStream,
    });
    const seconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pgMs = cpuSince(pg0, await backendCpuMs(dbName(a.url)));
    return {
      rowsPerSecond: Math.round(rows / seconds),
      seconds: Number(seconds.toFixed(1)),
      accepted: report.accepted,
      duplicates: report.duplicates,
      rejected: report.rejected,
      nodeCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
      postgresCpuSeconds: Number((pgMs / 1000).toFixed(1)),
      loadAverage: Number(loadavg()[0]?.toFixed(1)),
      // The importing process (CLI and API here): highest RSS while this import ran.
      peakRssMiB: Math.round(Math.max(peakRss, process.memoryUsage.rss()) / 2 ** 20),
      rssAtStartMiB: Math.round(rssAtStart / 2 ** 20),
    };
  };

  const load0 = loadavg()[0];
  const first = await importOnce();
  const again = await importOnce();
  await app.close();

  // Baseline: COPY the very rows the import wrote into the second database.
  const hb = await createDb({ url: b.url, max: 1 });
  await migrateDb(hb);
  await hb.close();
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
  // The rows as COPY text (psql reads them out; only the load into the second database is timed,
  // and the dumps held here are not in the import's peak RSS above).
  const dumps: Array<{ table: string; cols: string; data: Buffer }> = [];
  for (const [table, cols] of tables) {
    const data = execFileSync('psql', [a.url, '-qAtc', `\\copy ${table} (${cols}) to stdout`], {
      maxBuffer: 4 * 2 ** 30,
    });
    dumps.push({ table, cols, data });
  }
  await dst`select 1`;
  const pg0 = await backendCpuMs(dbName(b.url));
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
  const rawPgMs = cpuSince(pg0, await backendCpuMs(dbName(b.url)));
  const rawCopyPgSeconds = Number((rawPgMs / 1000).toFixed(1));
  await dst.end();
  clearInterval(rssTimer);

  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
        loadAverageAtStart: Number(load0?.toFixed(1)),
        rows,
        batchLines: batchSize,
        concurrency,
        import: first,
        reimport: again,
        rawCopySameRows: {
          rowsPerSecond: Math.round(rows / rawSeconds),
          seconds: Number(rawSeconds.toFixed(1)),
          postgresCpuSeconds: rawCopyPgSeconds,
          loadAverage: Number(loadavg()[0]?.toFixed(1)),
        },
        importVsRaw: `${Math.round((rawSeconds / first.seconds) * 100)}%`,
        importPostgresCpuVsRaw: `${Math.round((first.postgresCpuSeconds / rawCopyPgSeconds) * 100)}%`,
        lastProgressLine: progress.at(-1)?.trim(),
      },
      null,
      2,
    ),
  );
} finally {
  clearInterval(rssTimer);
  await h.close();
  await admin.end();
  await a.drop();
  await b.drop();
  await rm(dir, { recursive: true, force: true });
}
