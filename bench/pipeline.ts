// Benchmark of the path an opt-out takes: Kafka -> optout-consumer -> PostgreSQL.
// Throughput: N events produced at once, time until all are in the list.
// Latency (R-EM-1: our target is seconds): one event at a time, produce -> check() says suppressed.
// Run: KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @sp/bench run pipeline  [BENCH_EVENTS=20000]
import { cpus, totalmem } from 'node:os';
import { newEnvelope, Topics } from '@sp/contracts';
import { schema } from '@sp/db';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { openTestResources } from '@sp/runtime/testing';
import { check } from '@sp/suppression';
import { createFreshDatabase, produce, uniqueName } from '@sp/testing';
import { count } from 'drizzle-orm';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('set KAFKA_BROKERS (pnpm kafka:local starts a broker)');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const total = Number(process.env.BENCH_EVENTS ?? 20_000);

const fresh = await createFreshDatabase(serverUrl, 'sp_bench');
const prefix = `${uniqueName('bench')}.`;
const res = await openTestResources({
  service: 'bench',
  brokers,
  databaseUrl: fresh.url,
  topicPrefix: prefix,
  partitions: 6,
});
const consumer = await startOptoutConsumer(res, { groupId: uniqueName('bench') });
const topic = `${prefix}${Topics.emailOptOut}`;
const ledger = async () => (await res.db.db.select({ n: count() }).from(schema.ledger))[0]?.n ?? 0;
const event = (email: string) => ({
  key: res.keyer.keyOf({ type: 'email', value: email }),
  value: newEnvelope('consent.email-optout.v1', 'bench', { email, method: 'link' }),
});

try {
  // Warm-up: the group joins and one event goes through.
  await produce(brokers, topic, [event('warmup@bench.example')]);
  while ((await ledger()) < 1) await new Promise((r) => setTimeout(r, 50));

  const events = Array.from({ length: total }, (_, i) => event(`p${i}@bench.example`));
  const t0 = performance.now();
  await produce(brokers, topic, events);
  const produced = performance.now() - t0;
  while ((await ledger()) < total + 1) await new Promise((r) => setTimeout(r, 50));
  const applied = performance.now() - t0;

  const latencies: number[] = [];
  for (let i = 0; i < 50; i++) {
    const email = `lat${i}@bench.example`;
    const s = performance.now();
    await produce(brokers, topic, [event(email)]);
    for (;;) {
      const r = await check(res.list, {
        subject: { type: 'email', value: email },
        channel: 'email',
        kind: 'marketing',
      });
      if (!r.allowed) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    latencies.push(performance.now() - s);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]?.toFixed(0);
  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
        events: total,
        produceSeconds: +(produced / 1000).toFixed(2),
        endToEndEventsPerSecond: Math.round(total / (applied / 1000)),
        optOutToSuppressedMs: { p50: pct(0.5), p90: pct(0.9), max: pct(1) },
        rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      },
      null,
      2,
    ),
  );
} finally {
  await consumer.stop();
  await res.close();
  await fresh.drop();
}
