// Benchmark of the local list view against the database, in one run on one machine:
// checkMany() of 1 / 1,000 / 10,000 queries from the view, from the database check, and the same
// keys looked up with one bare indexed SQL query (the floor of any database answer).
// The list: BENCH_SUBJECTS subjects opted out, inserted set-based (unnest of arrays); the view is
// bootstrapped from that PostgreSQL snapshot (loadSnapshot). Queries: 10% suppressed, 90% unknown.
// Run: pnpm --filter @sp/bench run view  [BENCH_SUBJECTS=200000] [DATABASE_URL=...]
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, tmpdir, totalmem } from 'node:os';
import { createDb, migrateDb } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { ListView, loadSnapshot } from '@sp/list-view';
import { type CheckQuery, checkMany, type SuppressionContext } from '@sp/suppression';
import { createFreshDatabase } from '@sp/testing';
import { sql } from 'drizzle-orm';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const subjects = Number(process.env.BENCH_SUBJECTS ?? 200_000);

const fresh = await createFreshDatabase(serverUrl, 'sp_bench');
const h = await createDb({ url: fresh.url, max: 4 });
try {
  await migrateDb(h);
  const keyer = createKeyer({ peppers: { b1: randomBytes(32).toString('hex') }, currentKeyId: 'b1' });
  const ctx: SuppressionContext = { db: h.db, keyer, defaultRegion: 'US' };
  const email = (i: number) => `s${i}@bench.example`;
  const keyOf = (e: string) => keyer.keyOf({ type: 'email', value: e });

  let t = performance.now();
  const chunk = 20_000;
  for (let i = 0; i < subjects; i += chunk) {
    const n = Math.min(chunk, subjects - i);
    const keys = Array.from({ length: n }, (_, j) => keyOf(email(i + j)));
    const ids = Array.from({ length: n }, () => randomUUID());
    await h.db.execute(sql`
      insert into suppression_state (subject_key, channel, purpose, topic, suppressed, reason, event_id, source,
                                     occurred_at, since, updated_at)
      select k, 'email', 'marketing', '*', true, 'email-optout', e::uuid, 'bench', now(), now(), now()
        from unnest(${sql.raw(`'{${keys.join(',')}}'::text[]`)}, ${sql.raw(`'{${ids.join(',')}}'::text[]`)}) as u(k, e)`);
  }
  const insertMs = performance.now() - t;

  // No changelog in this run (the snapshot is the whole list): fresh once, and for the whole run.
  const view = new ListView({ keyer, defaultRegion: 'US', expectedSubjects: subjects, maxLagMs: 3_600_000 });
  t = performance.now();
  await loadSnapshot(h.db, view);
  const snapshotMs = performance.now() - t;
  view.observe(new Map(), Date.now());
  // The same list with its records on disk (LIST_VIEW_RECORDS_DIR): a hit costs one pread.
  const diskView = new ListView({
    keyer,
    defaultRegion: 'US',
    expectedSubjects: subjects,
    maxLagMs: 3_600_000,
    recordsDir: tmpdir(),
  });
  await loadSnapshot(h.db, diskView);
  diskView.observe(new Map(), Date.now());

  const queries = (size: number): CheckQuery[] =>
    Array.from({ length: size }, (_, i) => ({
      // every 10th recipient is on the list, the others are unknown to it
      subject: {
        type: 'email' as const,
        value: i % 10 === 0 ? email((i * 7919) % subjects) : `unknown${i}@bench.example`,
      },
      channel: 'email' as const,
      kind: 'marketing' as const,
    }));

  /** CPU time per call of the last median() (user + system, ms): on a loaded machine wall time also counts waiting for a core. */
  let lastCpuMs = 0;
  const median = async (runs: number, fn: () => Promise<unknown>) => {
    await fn(); // warm
    const times: number[] = [];
    const cpu = process.cpuUsage();
    for (let r = 0; r < runs; r++) {
      const s = performance.now();
      await fn();
      times.push(performance.now() - s);
    }
    const used = process.cpuUsage(cpu);
    lastCpuMs = (used.user + used.system) / 1000 / runs;
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  };
  const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);

  const rows: Record<string, unknown>[] = [];
  for (const size of [1, 1_000, 10_000]) {
    const qs = queries(size);
    const keys = qs.map((q) => keyOf(q.subject.value));
    // As a sender asks (keys computed when the message was prepared) and as the API asks (raw).
    const keyed = qs.map((q, i) => ({ ...q, subjectKeys: [keys[i]!] }));
    const viewMs = await median(size === 1 ? 5_000 : size === 1_000 ? 500 : 100, () => view.checkMany(keyed));
    const viewCpuMs = lastCpuMs;
    const diskMs = await median(size === 1 ? 5_000 : size === 1_000 ? 500 : 100, () =>
      diskView.checkMany(keyed),
    );
    const viewRawMs = await median(size === 1 ? 2_000 : size === 1_000 ? 100 : 20, () => view.checkMany(qs));
    const dbMs = await median(size === 10_000 ? 10 : 30, () => checkMany(ctx, keyed));
    const bareMs = await median(size === 10_000 ? 10 : 30, () =>
      h.db.execute(
        sql`select subject_key from suppression_state where subject_key = any(${sql.raw(`'{${keys.join(',')}}'::text[]`)})`,
      ),
    );
    const allowedView = (await view.checkMany(qs)).filter((r) => r.allowed).length;
    const sameOnDisk =
      JSON.stringify(await diskView.checkMany(keyed)) === JSON.stringify(await view.checkMany(keyed));
    const allowedDb = (await checkMany(ctx, qs)).filter((r) => r.allowed).length;
    rows.push({
      queries: size,
      viewKeyed: fmt(viewMs),
      viewKeyedCpuPerCall: fmt(viewCpuMs),
      viewKeyedRecordsOnDisk: fmt(diskMs),
      viewFromRawAddresses: fmt(viewRawMs),
      databaseCheckKeyed: fmt(dbMs),
      bareIndexedSql: fmt(bareMs),
      viewKeyedVsBareSql: `${(bareMs / viewMs).toFixed(1)}x`,
      viewKeyedVsDatabaseCheck: `${(dbMs / viewMs).toFixed(1)}x`,
      sameAllowedCount: allowedView === allowedDb,
      diskAnswersSameAsMemory: sameOnDisk,
    });
  }

  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
        subjects,
        setBasedInsertSeconds: (insertMs / 1000).toFixed(1),
        snapshotBootstrapSeconds: (snapshotMs / 1000).toFixed(1),
        store: view.store.stats(),
        rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
        checkMany: rows,
      },
      null,
      2,
    ),
  );
} finally {
  await h.close();
  await fresh.drop();
}
