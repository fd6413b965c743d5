// Benchmark of the path an opt-out takes: Kafka -> optout-consumer -> PostgreSQL.
//
// Issue 12, in one run on the same BENCH_EVENTS events (unsubscribes from every address new, a
// fifth of them per topic):
//   1. apply() directly, in batches of BENCH_BATCH, into a fresh database (the baseline);
//   2. the Kafka pipeline end to end into a second fresh database: every event produced first,
//      then optout-consumer started and timed from its group join to the last event on the list;
//   3. apply() directly again into a third database (the load of a shared machine moves; the
//      ratio is taken to the mean of both apply runs).
// Each phase reports wall time and this process's CPU time (user + system).
// Then latency (R-EM-1: our target is seconds): one event at a time, produce -> check() says suppressed.
// Run: KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @sp/bench run pipeline  [BENCH_EVENTS=50000] [BENCH_BATCH=5000]
import { cpus, loadavg, totalmem } from 'node:os';
import { type EventOf, newEnvelope, Topics } from '@sp/contracts';
import { schema } from '@sp/db';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { openTestResources } from '@sp/runtime/testing';
import { apply, check } from '@sp/suppression';
import { createFreshDatabase, produce, uniqueName } from '@sp/testing';
import { count, sql } from 'drizzle-orm';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('set KAFKA_BROKERS (pnpm kafka:local starts a broker)');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const total = Number(process.env.BENCH_EVENTS ?? 50_000);
const batch = Number(process.env.BENCH_BATCH ?? 5_000);
const partitions = Number(process.env.BENCH_PARTITIONS ?? 6);

type Res = Awaited<ReturnType<typeof openTestResources>>;
const open = async (what: string) => {
  const db = await createFreshDatabase(serverUrl, `sp_bench_pipeline_${what}`);
  const prefix = `${uniqueName(`bench-${what}`)}.`;
  const res = await openTestResources({
    service: 'bench',
    brokers,
    databaseUrl: db.url,
    topicPrefix: prefix,
    partitions,
  });
  return {
    res,
    topic: `${prefix}${Topics.emailOptOut}`,
    close: async () => {
      await res.close();
      await db.drop();
    },
  };
};
const ledger = async (res: Res) => (await res.db.db.select({ n: count() }).from(schema.ledger))[0]?.n ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wall seconds and this process's CPU seconds of fn. */
async function timed(fn: () => Promise<void>): Promise<{ wall: number; cpu: number; load: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const wall = (performance.now() - t) / 1000;
  const u = process.cpuUsage(c);
  return { wall, cpu: (u.user + u.system) / 1e6, load: loadavg()[0] ?? 0 };
}

const a = await open('a');
const p = await open('kafka');
const a2 = await open('a2');
const keyer = p.res.keyer;
const events: EventOf<typeof Topics.emailOptOut>[] = Array.from({ length: total }, (_, i) =>
  newEnvelope('consent.email-optout.v1', 'bench', {
    email: `p${i}@bench.example`,
    method: 'link',
    ...(i % 5 === 0 ? { topic: `t${i % 7}` } : {}),
  }),
);
const messages = events.map((e) => ({
  key: keyer.keyOf({ type: 'email', value: (e.data as { email: string }).email }),
  value: e,
}));

const direct = async (target: typeof a) =>
  timed(async () => {
    for (let i = 0; i < events.length; i += batch) await apply(target.res.list, events.slice(i, i + batch));
  });

let consumer: Awaited<ReturnType<typeof startOptoutConsumer>> | undefined;
try {
  const applied = await direct(a);
  if ((await ledger(a.res)) !== total) throw new Error('apply() did not write every event');

  const t0 = performance.now();
  await produce(brokers, p.topic, messages);
  const produced = (performance.now() - t0) / 1000;

  let joinSeconds = 0;
  const drained = await timed(async () => {
    const s = performance.now();
    consumer = await startOptoutConsumer(p.res, { groupId: uniqueName('bench'), maxBatchSize: batch });
    const c = consumer;
    while (!c.ready()) await sleep(10);
    joinSeconds = (performance.now() - s) / 1000;
  });
  // Drained when the consumer counted every event applied (its own counter, read in process:
  // polling the ledger with count(*) would charge the database's CPU to the pipeline).
  const appliedCounter = p.res.metrics.counter('sp_messages_applied_total', 'Messages applied to the list', [
    'group',
    'topic',
  ]);
  const appliedSoFar = async () => (await appliedCounter.get()).values.reduce((n, v) => n + v.value, 0);
  const drain = await timed(async () => {
    while ((await appliedSoFar()) < total) await sleep(20);
  });
  if ((await ledger(p.res)) !== total) throw new Error('the pipeline did not write every event');

  // apply() stamps every row of its transaction with one recorded_at: rows per apply() call.
  const perCall = (
    (await p.res.db.db.execute(
      sql`select count(*)::int as n from ledger group by recorded_at order by recorded_at`,
    )) as unknown as { n: number }[]
  ).map((r) => Number(r.n));

  const applied2 = await direct(a2);
  const applyRate = (r: { wall: number }) => total / r.wall;
  const meanApply = (applyRate(applied) + applyRate(applied2)) / 2;
  const pipelineRate = total / drain.wall;

  const latencies: number[] = [];
  for (let i = 0; i < 50; i++) {
    const email = `lat${i}@bench.example`;
    const s = performance.now();
    await produce(brokers, p.topic, [
      {
        key: keyer.keyOf({ type: 'email', value: email }),
        value: newEnvelope('consent.email-optout.v1', 'bench', { email, method: 'link' }),
      },
    ]);
    for (;;) {
      const r = await check(p.res.list, {
        subject: { type: 'email', value: email },
        channel: 'email',
        kind: 'marketing',
      });
      if (!r.allowed) break;
      await sleep(5);
    }
    latencies.push(performance.now() - s);
  }
  latencies.sort((x, y) => x - y);
  const pct = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(0);
  const fig = (r: { wall: number; cpu: number; load: number }) => ({
    seconds: +r.wall.toFixed(2),
    eventsPerSecond: Math.round(total / r.wall),
    cpuSeconds: +r.cpu.toFixed(2),
    loadAfter: +r.load.toFixed(1),
  });
  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
        loadAverage: loadavg().map((l) => +l.toFixed(1)),
        events: total,
        batch,
        partitions,
        applyDirect: fig(applied),
        produceSeconds: +produced.toFixed(2),
        groupJoinSeconds: +joinSeconds.toFixed(2),
        pipelineDrain: fig(drain),
        pipelineApplyCalls: {
          count: perCall.length,
          meanEvents: Math.round(total / perCall.length),
          maxEvents: Math.max(...perCall),
        },
        applyDirectAgain: fig(applied2),
        pipelineVsApply: `${Math.round((pipelineRate / meanApply) * 100)}%`,
        optOutToSuppressedMs: { p50: pct(0.5), p90: pct(0.9), max: pct(1) },
        rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
        cpuOfJoin: +drained.cpu.toFixed(2),
      },
      null,
      2,
    ),
  );
} finally {
  await consumer?.stop();
  await a.close();
  await p.close();
  await a2.close();
}
