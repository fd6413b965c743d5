// Benchmark: an opt-out at the edge (the one-click POST a mail client makes) -> edge publishes ->
// optout-consumer applies to PostgreSQL -> changelog relay (250 ms poll, as deployed) -> Kafka ->
// a sender's list view holds it. Baseline in the same run: the same opt-outs seen by the database
// check (what senders asked before the view).
// Samples start every BENCH_GAP_MS (default 20) so several are in flight, as in real traffic.
// Run: KAFKA_BROKERS=127.0.0.1:9092 pnpm --filter @sp/bench run view-latency  [BENCH_SAMPLES=1000]
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Topics } from '@sp/contracts';
import { buildEdge, loadConfig } from '@sp/edge';
import { createSealer, generateSecret } from '@sp/identity';
import { outboxProbe, startListView } from '@sp/list-view';
import { kafkaEndOffsets } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { startChangelogRelay } from '@sp/runtime';
import { openTestResources, TEST_PEPPER } from '@sp/runtime/testing';
import { checkMany } from '@sp/suppression';
import { createFreshDatabase, uniqueName } from '@sp/testing';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('set KAFKA_BROKERS (pnpm kafka:local starts a broker)');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const samples = Number(process.env.BENCH_SAMPLES ?? 1_000);
const gapMs = Number(process.env.BENCH_GAP_MS ?? 20);

const fresh = await createFreshDatabase(serverUrl, 'sp_bench');
const prefix = `${uniqueName('bench')}.`;
const res = await openTestResources({
  service: 'bench',
  brokers,
  databaseUrl: fresh.url,
  topicPrefix: prefix,
});
const consumer = await startOptoutConsumer(res, { groupId: uniqueName('bench') });
const relay = startChangelogRelay(res);
const view = await startListView({
  bus: res.bus,
  ends: kafkaEndOffsets({ brokers: brokers.split(','), clientId: uniqueName('bench-ends') }),
  outbox: outboxProbe(res.db.db),
  topic: `${prefix}${Topics.changelog}`,
  keyer: res.keyer,
});
const tokenKeys = `k1:${generateSecret()}`;
const edgeConfig = loadConfig({
  KAFKA_BROKERS: brokers,
  TOKEN_KEYS: tokenKeys,
  SUBJECT_PEPPERS: `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`,
  TWILIO_AUTH_TOKEN: generateSecret(),
  DNS_API_TOKEN: generateSecret(),
  BRAND_NAME: 'Bench',
  SUPPORT_EMAIL: 'support@bench.example',
  RATE_LIMIT_MAX: '1000000',
  TOPIC_EMAIL_OPTOUT: `${prefix}${Topics.emailOptOut}`,
  TOPIC_SMS_INBOUND: `${prefix}${Topics.smsInbound}`,
  TOPIC_DO_NOT_SELL: `${prefix}${Topics.doNotSell}`,
  TOPIC_COMPLAINT: `${prefix}${Topics.complaint}`,
  TOPIC_BOUNCE: `${prefix}${Topics.bounce}`,
});
const sealer = createSealer(edgeConfig.tokenKeys);
const edge = buildEdge({
  bus: res.bus,
  sealer,
  keyer: res.keyer,
  config: edgeConfig,
  logger: silentLogger(),
});
const edgeUrl = await edge.listen({ port: 0, host: '127.0.0.1' });

interface Sample {
  email: string;
  key: string;
  start: number;
  view?: number;
  db?: number;
}
const optOut = async (s: Sample) => {
  const r = await fetch(`${edgeUrl}/u/${sealer.seal({ email: s.email })}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  if (r.status !== 200) throw new Error(`edge answered ${r.status}`);
};
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

try {
  await view.caughtUp(120_000);
  const warm: Sample = { email: 'warmup@bench.example', key: '', start: 0 };
  warm.key = res.keyer.keyOf({ type: 'email', value: warm.email });
  await optOut(warm);
  while (!view.view.store.has(warm.key)) await new Promise((r) => setTimeout(r, 20));

  const all: Sample[] = [];
  const pending = new Set<Sample>();
  let dbPending = new Set<Sample>();
  let done = false;
  // Watchers: the view every millisecond (it is memory), the database in one batch every 10 ms.
  const viewWatch = (async () => {
    while (!done) {
      const now = performance.now();
      for (const s of pending) {
        if (view.view.store.has(s.key)) {
          s.view = now - s.start;
          pending.delete(s);
        }
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  const dbWatch = (async () => {
    while (!done) {
      const batch = [...dbPending];
      if (batch.length > 0) {
        const answers = await checkMany(
          res.list,
          batch.map((s) => ({
            subject: { type: 'email' as const, value: s.email },
            channel: 'email' as const,
            kind: 'marketing' as const,
          })),
        );
        const now = performance.now();
        answers.forEach((a, i) => {
          if (!a.allowed) {
            batch[i]!.db = now - batch[i]!.start;
            dbPending.delete(batch[i]!);
          }
        });
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t0 = performance.now();
  for (let i = 0; i < samples; i++) {
    const email = `lat-${i}-${randomBytes(3).toString('hex')}@bench.example`;
    const s: Sample = {
      email,
      key: res.keyer.keyOf({ type: 'email', value: email }),
      start: performance.now(),
    };
    all.push(s);
    pending.add(s);
    dbPending = new Set([...dbPending, s]);
    void optOut(s);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  while (pending.size > 0 || dbPending.size > 0) await new Promise((r) => setTimeout(r, 20));
  done = true;
  await Promise.all([viewWatch, dbWatch]);
  const seconds = (performance.now() - t0) / 1000;
  const viewMs = all.map((s) => s.view!).sort((a, b) => a - b);
  const dbMs = all.map((s) => s.db!).sort((a, b) => a - b);
  const f = (xs: number[]) =>
    `p50 ${pct(xs, 50).toFixed(0)} ms, p90 ${pct(xs, 90).toFixed(0)} ms, p99 ${pct(xs, 99).toFixed(0)} ms, max ${xs.at(-1)!.toFixed(0)} ms`;
  console.log(
    JSON.stringify(
      {
        machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
        samples,
        opt_outs_per_second: +(samples / seconds).toFixed(1),
        edgeToSenderView: f(viewMs),
        baselineEdgeToDatabaseCheck: f(dbMs),
      },
      null,
      2,
    ),
  );
} finally {
  await edge.close();
  await view.stop();
  await relay.stop();
  await consumer.stop();
  await res.close();
  await fresh.drop();
}
