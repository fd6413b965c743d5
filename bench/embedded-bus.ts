// Benchmark of the embedded mode's durable bus (`npm start` without Kafka): PGlite on disk, the
// table bus. What an edge request pays to publish one event (it answers only after the commit),
// with one and with 20 requests at a time, and how fast a consumer group reads the rows back.
// Baselines in the same run, on the same PGlite: a bare INSERT of the same key and value into a
// plain table per event (autocommit), and one SELECT reading those rows back.
// Run: pnpm --filter @sp/bench run embedded-bus  [BENCH_EVENTS=5000]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createDb, migrateDb } from '@sp/db';
import { createTableBus } from '@sp/messaging';

const total = Number(process.env.BENCH_EVENTS ?? 5_000);
const dir = mkdtempSync(join(tmpdir(), 'sp-bench-bus-'));
const db = await createDb({ pglite: join(dir, 'pglite') });
await migrateDb(db);
const bus = createTableBus({ sql: db.sql });
const topic = 'bench.optout';
await bus.ensureTopics([{ topic, partitions: 3 }]);
const event = (i: number) => ({
  key: `subject-${i}`,
  value: { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'bench', data: { i } },
});
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? 0;

try {
  const latencies: number[] = [];
  let t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const s = performance.now();
    await bus.publish(topic, [event(i)]);
    latencies.push(performance.now() - s);
  }
  const sequentialS = (performance.now() - t0) / 1000;

  t0 = performance.now();
  let next = total;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < 2 * total) await bus.publish(topic, [event(next++)]);
    }),
  );
  const concurrentS = (performance.now() - t0) / 1000;

  t0 = performance.now();
  let seen = 0;
  const consumer = await bus.consume({
    groupId: 'bench',
    topics: [topic],
    validate: (_t, raw) => ({ ok: true, value: raw }),
    handle: async (batch) => {
      seen += batch.length;
    },
  });
  while (seen < 2 * total) await new Promise((r) => setTimeout(r, 20));
  const consumeS = (performance.now() - t0) / 1000;
  await consumer.stop();

  await db.sql.query('create table bench_raw (k text not null, v bytea not null)');
  const rawLatencies: number[] = [];
  t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const e = event(i);
    const s = performance.now();
    await db.sql.query('insert into bench_raw (k, v) values ($1, $2)', [
      e.key,
      Buffer.from(JSON.stringify(e.value)),
    ]);
    rawLatencies.push(performance.now() - s);
  }
  const rawInsertS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const rawRows = await db.sql.query('select k, v from bench_raw');
  const rawReadS = (performance.now() - t0) / 1000;

  console.log(
    JSON.stringify(
      {
        machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30) },
        node: process.version,
        events: total,
        publishOneAtATime: {
          eventsPerS: Math.round(total / sequentialS),
          p50Ms: +quantile(latencies, 0.5).toFixed(2),
          p99Ms: +quantile(latencies, 0.99).toFixed(2),
        },
        publish20Concurrent: { eventsPerS: Math.round(total / concurrentS) },
        consumeNoopHandler: { events: 2 * total, eventsPerS: Math.round((2 * total) / consumeS) },
        baselineBareInsertOneAtATime: {
          eventsPerS: Math.round(total / rawInsertS),
          p50Ms: +quantile(rawLatencies, 0.5).toFixed(2),
          p99Ms: +quantile(rawLatencies, 0.99).toFixed(2),
        },
        baselineBareSelect: { rows: rawRows.length, rowsPerS: Math.round(rawRows.length / rawReadS) },
      },
      null,
      2,
    ),
  );
} finally {
  await bus.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
