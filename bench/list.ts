// Benchmark of the list itself on a real PostgreSQL: apply() throughput in batches, and
// checkMany() latency for batches of the sizes senders and the batch API use.
// Run: pnpm --filter @sp/bench run list  [BENCH_EVENTS=50000] [DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres]
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { newEnvelope } from '@sp/contracts';
import { createDb, migrateDb } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { apply, checkMany, type ListEvent, type SuppressionContext } from '@sp/suppression';
import { createFreshDatabase } from '@sp/testing';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const total = Number(process.env.BENCH_EVENTS ?? 50_000);
const batch = 500;

const fresh = await createFreshDatabase(serverUrl, 'sp_bench');
const h = await createDb({ url: fresh.url, max: 4 });
try {
  await migrateDb(h);
  const ctx: SuppressionContext = {
    db: h.db,
    keyer: createKeyer({ peppers: { b1: randomBytes(32).toString('hex') }, currentKeyId: 'b1' }),
    vault: { keyId: 'v1', key: randomBytes(32) },
    defaultRegion: 'US',
  };
  const emails = Array.from({ length: total }, (_, i) => `bench-${i}@list.example`);
  const events = emails.map(
    (email, i): ListEvent =>
      i % 3 === 0
        ? newEnvelope('email.bounce.v1', 'bench', { email, bounceType: 'Permanent' })
        : newEnvelope('consent.email-optout.v1', 'bench', { email, method: 'link', topic: `t${i % 5}` }),
  );

  const heapBefore = process.memoryUsage().rss;
  let t = performance.now();
  for (let i = 0; i < events.length; i += batch) await apply(ctx, events.slice(i, i + batch));
  const applyMs = performance.now() - t;

  t = performance.now();
  for (let i = 0; i < events.length; i += batch) await apply(ctx, events.slice(i, i + batch));
  const redeliverMs = performance.now() - t;

  const checkSizes = [1, 100, 1_000, 10_000];
  const checks: Record<string, string> = {};
  for (const size of checkSizes) {
    const qs = Array.from({ length: size }, (_, i) => ({
      subject: { type: 'email' as const, value: emails[(i * 7919) % emails.length] as string },
      channel: 'email' as const,
      kind: 'marketing' as const,
      topic: 't1',
    }));
    await checkMany(ctx, qs); // warm
    const runs = size >= 10_000 ? 5 : 20;
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const s = performance.now();
      await checkMany(ctx, qs);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    checks[`checkMany(${size})`] =
      `median ${times[Math.floor(times.length / 2)]?.toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms`;
  }

  const result = {
    machine: `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    events: total,
    batch,
    applyEventsPerSecond: Math.round(total / (applyMs / 1000)),
    redeliveryEventsPerSecond: Math.round(total / (redeliverMs / 1000)),
    ...checks,
    rssGrowthMiB: Math.round((process.memoryUsage().rss - heapBefore) / 2 ** 20),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await h.close();
  await fresh.drop();
}
