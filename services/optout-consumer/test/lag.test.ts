// Issue 12: consumer lag on the ops /metrics endpoint. While PostgreSQL is unreachable the
// consumer pauses and opt-outs wait in Kafka; sp_consumer_lag{group, topic, partition} shows
// them, measured from the broker (each partition's end minus the group's committed offset), and
// drops to 0 once the database is back and they are applied.
import { newEnvelope, Topics } from '@sp/contracts';
import { schema } from '@sp/db';
import type { RunningService } from '@sp/runtime';
import { openTestResources, TEST_PEPPER } from '@sp/runtime/testing';
import { freshDatabase, produce, startTcpProxy, testInfra, uniqueName, waitFor } from '@sp/testing';
import { count } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { runOptoutConsumer } from '../src/index';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

it('reports on /metrics the opt-outs waiting in Kafka while the database is down, per partition, then 0', async () => {
  const { kafkaBrokers } = testInfra();
  const db = await freshDatabase('sp_lag');
  const prefix = `${uniqueName('lag')}.`;
  const res = await openTestResources({
    service: 'test',
    brokers: kafkaBrokers,
    databaseUrl: db.url,
    topicPrefix: prefix,
  });
  cleanup.push(
    () => db.drop(),
    () => res.close(),
  );
  const url = new URL(db.url);
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  cleanup.push(() => proxy.close());
  const groupId = uniqueName('optout-lag');
  const svc: RunningService = await runOptoutConsumer(
    loadConfig({
      KAFKA_BROKERS: kafkaBrokers,
      DATABASE_URL: proxy.urlOf(db.url),
      SUBJECT_PEPPERS: `${TEST_PEPPER.currentKeyId}:${TEST_PEPPER.keys.t1}`,
      TOPIC_PREFIX: prefix,
      GROUP_ID: groupId,
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
      CONSUMER_LAG_INTERVAL_MS: '200',
    }),
    { signals: false },
  );
  cleanup.push(() => svc.stop());
  await svc.started;

  const topic = `${prefix}${Topics.emailOptOut}`;
  const send = (emails: string[]) =>
    produce(
      kafkaBrokers,
      topic,
      emails.map((email) => ({
        key: res.keyer.keyOf({ type: 'email', value: email }),
        value: newEnvelope('consent.email-optout.v1', 'test', { email, method: 'link' }),
      })),
    );
  const ledgerRows = async () => (await res.db.db.select({ n: count() }).from(schema.ledger))[0]?.n ?? 0;
  /** sp_consumer_lag of this group by partition, as /metrics says. */
  const lag = async () => {
    const text = await (await fetch(`http://127.0.0.1:${svc.opsPort}/metrics`)).text();
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line.startsWith('sp_consumer_lag{') || !line.includes(`group="${groupId}"`)) continue;
      expect(line).toContain(`topic="${topic}"`);
      const partition = /partition="(\d+)"/.exec(line)?.[1];
      if (partition !== undefined) out.set(partition, Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
    return out;
  };
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

  await send(['first@lag.example']);
  await waitFor('the first opt-out applied', async () => (await ledgerRows()) === 1);
  await waitFor('lag 0 on every partition', async () => {
    const m = await lag();
    return m.size === 3 && total(m) === 0;
  });

  proxy.cut();
  const waiting = Array.from({ length: 40 }, (_, i) => `w${i}@lag.example`);
  await send(waiting);
  const during = await waitFor('40 opt-outs waiting, as /metrics says', async () => {
    const m = await lag();
    return total(m) === 40 ? m : undefined;
  });
  // Spread over the partitions by key, each counted where it waits.
  expect([...during.values()].filter((n) => n > 0).length).toBeGreaterThan(1);
  expect((await fetch(`http://127.0.0.1:${svc.opsPort}/readyz`)).status).toBe(503);

  proxy.restore();
  await waitFor('all 41 applied', async () => (await ledgerRows()) === 41, { timeoutMs: 60_000 });
  await waitFor('lag back to 0', async () => total(await lag()) === 0);
});
