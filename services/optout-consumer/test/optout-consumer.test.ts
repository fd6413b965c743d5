// Issue 4 on real Kafka and PostgreSQL: opt-outs reach check(), redeliveries change nothing,
// malformed messages go to the DLQ while their neighbours are applied.
import { newEnvelope, Topics } from '@sp/contracts';
import { schema } from '@sp/db';
import { DLQ_HEADERS } from '@sp/messaging';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { check } from '@sp/suppression';
import { consumeAll, freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOptoutConsumer } from '../src/index';

let svc: ServiceUnderTest;
let res: ServiceUnderTest['res'];
let prefix: string;

beforeAll(async () => {
  svc = await startServiceUnderTest({
    service: 'optout-consumer',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_optout'),
    start: (r) => startOptoutConsumer(r, { groupId: uniqueName('optout-consumer') }),
  });
  ({ res, prefix } = svc);
});
afterAll(() => svc.close());

const optOut = (email: string, topic?: string) =>
  newEnvelope('consent.email-optout.v1', 'test', { email, method: 'one-click', ...(topic ? { topic } : {}) });

function keyOf(email: string) {
  return res.keyer.keyOf({ type: 'email', value: email.toLowerCase() });
}

async function ledgerRows(): Promise<number> {
  const [row] = await res.db.db.select({ n: count() }).from(schema.ledger);
  return row?.n ?? 0;
}

describe('optout-consumer', () => {
  it('makes an unsubscribe visible through check() (R-EM-1: seconds, not days)', async () => {
    const email = `${uniqueName('ann')}@shop.example`;
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.emailOptOut}`, [
      { key: keyOf(email), value: optOut(email, 'weekly-deals') },
    ]);
    const result = await waitFor('the opt-out in the list', async () => {
      const r = await check(res.list, {
        subject: { type: 'email', value: email },
        channel: 'email',
        kind: 'marketing',
        topic: 'weekly-deals',
      });
      return r.allowed ? undefined : r;
    });
    expect(result.reasons).toEqual([
      expect.objectContaining({ channel: 'email', purpose: 'marketing', topic: 'weekly-deals' }),
    ]);
    const other = await check(res.list, {
      subject: { type: 'email', value: email },
      channel: 'email',
      kind: 'marketing',
      topic: 'product-news',
    });
    expect(other.allowed).toBe(true);
  });

  it('leaves 10,000 ledger rows after the same 10,000 events are produced twice', async () => {
    const before = await ledgerRows();
    const events = Array.from({ length: 10_000 }, (_, i) => {
      const email = `bulk-${i}-${prefix}x@shop.example`;
      return { key: keyOf(email), value: optOut(email) };
    });
    const topic = `${prefix}${Topics.emailOptOut}`;
    await produce(testInfra().kafkaBrokers, topic, events);
    await waitFor('10,000 applied', async () => (await ledgerRows()) === before + 10_000, {
      timeoutMs: 180_000,
    });
    await produce(testInfra().kafkaBrokers, topic, events);
    // Wait for the second copy to be consumed: a marker produced after it comes through last on
    // its partition; markers on all partitions prove everything before them was handled.
    const markers = [0, 1, 2].map(() => {
      const email = `${uniqueName('marker')}@shop.example`;
      return { email, msg: { key: keyOf(email), value: optOut(email) } };
    });
    await produce(
      testInfra().kafkaBrokers,
      topic,
      markers.map((m) => m.msg),
    );
    await waitFor(
      'the markers after the redelivery',
      async () => (await ledgerRows()) === before + 10_000 + markers.length,
      { timeoutMs: 180_000 },
    );
    expect(await ledgerRows()).toBe(before + 10_000 + markers.length);
  });

  it('dead-letters malformed messages with the reason and applies the ones around them', async () => {
    const topic = `${prefix}${Topics.emailOptOut}`;
    const good1 = `${uniqueName('good1')}@shop.example`;
    const good2 = `${uniqueName('good2')}@shop.example`;
    const key = keyOf(good1); // one key: one partition, so order is known
    const bad = [
      { key, value: '{"not json' },
      { key, value: { ...optOut(good1), data: { email: 42, method: 'one-click' } } },
      { key, value: { ...optOut(good1), type: 'consent.email-frobnicate.v1' } },
      { key, value: optOut('not-an-address') },
    ];
    await produce(testInfra().kafkaBrokers, topic, [
      { key, value: optOut(good1) },
      ...bad,
      { key, value: optOut(good2) },
    ]);
    const dead = await consumeAll(testInfra().kafkaBrokers, `${topic}.dlq`, 4, 120_000);
    expect(dead).toHaveLength(4);
    const errors = dead.map((d) => d.headers[DLQ_HEADERS.error] ?? '');
    expect(errors[0]).toMatch(/invalid JSON/);
    expect(errors[1]).toMatch(/data\.email/);
    expect(errors[2]).toMatch(/type/);
    expect(errors[3]).toMatch(/email/);
    for (const d of dead) {
      expect(d.headers[DLQ_HEADERS.sourceTopic]).toBe(topic);
      expect(d.headers[DLQ_HEADERS.offset]).toMatch(/^\d+$/);
    }
    for (const email of [good1, good2]) {
      await waitFor(`${email} suppressed`, async () => {
        const r = await check(res.list, {
          subject: { type: 'email', value: email },
          channel: 'email',
          kind: 'marketing',
        });
        return !r.allowed;
      });
    }
  });
});

describe('salvage before the DLQ (when in doubt, suppress)', () => {
  it('an unsubscribe that cannot be read still stops all marketing email to its key; a resubscribe salvages nothing', async () => {
    const topic = `${prefix}${Topics.emailOptOut}`;
    const lost = `${uniqueName('lost')}@shop.example`;
    const back = `${uniqueName('back')}@shop.example`;
    await produce(testInfra().kafkaBrokers, topic, [
      { key: keyOf(lost), value: '{"type": "consent.email-optout.v1", "data": {"topic": "news"' },
      {
        key: keyOf(back),
        value: {
          ...optOut(back),
          type: 'consent.email-resubscribe.v1',
          data: { email: back, topic: 'news' },
        },
      },
    ]);
    const mine = await waitFor('both dead letters', async () => {
      const dead = await consumeAll(testInfra().kafkaBrokers, `${topic}.dlq`, 1_000_000, 3_000);
      const m = dead.filter((d) => d.key === keyOf(lost) || d.key === keyOf(back));
      return m.length === 2 ? m : undefined;
    });
    // Different keys, different partitions: compare by key, not by order.
    expect(Object.fromEntries(mine.map((d) => [d.key, d.headers[DLQ_HEADERS.salvage]]))).toEqual({
      [keyOf(lost)]: 'applied',
      [keyOf(back)]: 'not-applicable',
    });
    const r = await check(res.list, {
      subject: { type: 'email', value: lost },
      channel: 'email',
      kind: 'marketing',
    });
    expect(r.allowed).toBe(false);
    expect(r.reasons).toEqual([
      expect.objectContaining({
        purpose: 'marketing',
        topic: '*',
        reason: 'email-optout',
        source: 'salvaged-from-dlq',
      }),
    ]);
    const t = await check(res.list, {
      subject: { type: 'email', value: lost },
      channel: 'email',
      kind: 'transactional',
    });
    expect(t.allowed).toBe(true);
    const b = await check(res.list, {
      subject: { type: 'email', value: back },
      channel: 'email',
      kind: 'marketing',
    });
    expect(b.allowed).toBe(true);
  });
});
