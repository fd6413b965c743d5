// Issue 12 on real Kafka and PostgreSQL: a backlog is applied in batches that join the partitions
// of a fetch (one apply() per batch of up to 5,000), and a poison message in the middle of such a
// batch goes alone to the DLQ (salvaged first) while every other event of the batch is applied.
import { newEnvelope, Topics } from '@sp/contracts';
import { schema } from '@sp/db';
import { type ConsumerHandle, DLQ_HEADERS } from '@sp/messaging';
import { LIST_CONSUMER_BATCH_SIZE } from '@sp/runtime';
import { openTestResources } from '@sp/runtime/testing';
import { check } from '@sp/suppression';
import {
  consumeAll,
  freshDatabase,
  produce,
  testInfra,
  topicOffsets,
  uniqueName,
  waitFor,
  withAdmin,
} from '@sp/testing';
import { count, sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { startOptoutConsumer } from '../src/index';

const PARTITIONS = 6;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** Resources on a database and topics of their own; the consumer is started by the test. */
async function setUp(name: string) {
  const db = await freshDatabase(`sp_${name}`);
  const prefix = `${uniqueName(name)}.`;
  const res = await openTestResources({
    service: 'optout-consumer',
    brokers: testInfra().kafkaBrokers,
    databaseUrl: db.url,
    topicPrefix: prefix,
    partitions: PARTITIONS,
  });
  const handles: ConsumerHandle[] = [];
  cleanup.push(async () => {
    for (const h of handles) await h.stop();
    await res.close();
    await db.drop();
  });
  const topic = `${prefix}${Topics.emailOptOut}`;
  const start = async () => {
    const h = await startOptoutConsumer(res, { groupId: uniqueName(name) });
    handles.push(h);
    return h;
  };
  const message = (email: string, data: Record<string, unknown> = {}) => ({
    key: res.keyer.keyOf({ type: 'email', value: email }),
    value: newEnvelope('consent.email-optout.v1', 'test', { email, method: 'link', ...data }),
  });
  const ledgerRows = async () => (await res.db.db.select({ n: count() }).from(schema.ledger))[0]?.n ?? 0;
  /** Rows per apply() call: apply() stamps every row of its transaction with one recorded_at. */
  const transactions = async (): Promise<number[]> => {
    const rows = (await res.db.db.execute(
      sql`select count(*)::int as n from ledger group by recorded_at order by recorded_at`,
    )) as unknown as { n: number }[];
    return rows.map((r) => Number(r.n));
  };
  return { res, topic, start, message, ledgerRows, transactions };
}

it('applies a backlog of 12,000 opt-outs in batches that join partitions, each event once', async () => {
  const t = await setUp('optout_batch');
  const total = 12_000;
  const emails = Array.from({ length: total }, (_, i) => `b${i}@batch.example`);
  await produce(
    testInfra().kafkaBrokers,
    t.topic,
    emails.map((e) => t.message(e)),
  );
  const ends = await withAdmin(testInfra().kafkaBrokers, (a) => topicOffsets(a, t.topic));
  const largestPartition = Math.max(...ends.map((e) => Number(e.high)));
  expect(ends.filter((e) => Number(e.high) > 0).length).toBe(PARTITIONS);

  await t.start();
  await waitFor('all 12,000 on the list', async () => (await t.ledgerRows()) >= total, {
    timeoutMs: 180_000,
  });

  const sizes = await t.transactions();
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
  // A batch larger than any one partition holds events of several partitions.
  expect(Math.max(...sizes)).toBeGreaterThan(largestPartition);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(LIST_CONSUMER_BATCH_SIZE);
  // Far fewer transactions than partitions times fetches: about total / batch size.
  expect(sizes.length).toBeLessThan(PARTITIONS);

  const [suppressed] = await t.res.db.db
    .select({ n: count() })
    .from(schema.suppressionState)
    .where(sql`suppressed`);
  expect(suppressed?.n).toBe(total);
  expect((await t.res.db.db.select({ n: count() }).from(schema.outbox))[0]?.n).toBe(total);
});

it('a poison message in the middle of a batch goes alone to the DLQ, salvaged; the other 5,999 are applied', async () => {
  const t = await setUp('optout_batch_poison');
  const total = 6_000;
  const emails = Array.from({ length: total }, (_, i) => `q${i}@batch.example`);
  const poisoned = emails[3_000] as string;
  // A U+0000 in a field the ledger keeps: PostgreSQL's jsonb refuses it (22P05), a data error
  // no retry can cure, which fails the whole batch's transaction.
  await produce(
    testInfra().kafkaBrokers,
    t.topic,
    emails.map((e) => (e === poisoned ? t.message(e, { campaignId: 'spring\u0000sale' }) : t.message(e))),
  );
  await t.start();

  const [dead, ...more] = await consumeAll(testInfra().kafkaBrokers, `${t.topic}.dlq`, 1, 120_000);
  expect(more).toEqual([]);
  expect(dead?.key).toBe(t.message(poisoned).key);
  expect(dead?.headers[DLQ_HEADERS.reason]).toBe('encoding');
  expect(dead?.headers[DLQ_HEADERS.error]).toMatch(/22P05/);
  expect(dead?.headers[DLQ_HEADERS.salvage]).toBe('applied');

  await waitFor('the other 5,999 on the list', async () => (await t.ledgerRows()) >= total, {
    timeoutMs: 120_000,
  });
  // 5,999 events and the salvage's own ledger entry; nothing more (no event twice).
  expect(await t.ledgerRows()).toBe(total);
  for (const e of [poisoned, emails[0], emails[2_999], emails[3_001], emails[total - 1]] as string[]) {
    const r = await check(t.res.list, {
      subject: { type: 'email', value: e },
      channel: 'email',
      kind: 'marketing',
    });
    expect(r.allowed, e).toBe(false);
  }
  // The batch was isolated by halves, not replayed one message at a time.
  expect((await t.transactions()).length).toBeLessThan(100);
});
