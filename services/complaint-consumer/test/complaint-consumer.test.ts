// Issue 4 on real Kafka and PostgreSQL: spam complaints and permanent bounces reach check();
// transient bounces are counted, not suppressed (R-AB-3).
import { randomUUID } from 'node:crypto';
import { newEnvelope, Topics } from '@sp/contracts';
import { DLQ_HEADERS } from '@sp/messaging';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { check, history } from '@sp/suppression';
import { consumeAll, freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComplaintConsumer } from '../src/index';

let svc: ServiceUnderTest;
let res: ServiceUnderTest['res'];
let prefix: string;

beforeAll(async () => {
  svc = await startServiceUnderTest({
    service: 'complaint-consumer',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_complaint'),
    start: (r) => startComplaintConsumer(r, { groupId: uniqueName('complaint') }),
  });
  ({ res, prefix } = svc);
});
afterAll(() => svc.close());

const key = (email: string) => res.keyer.keyOf({ type: 'email', value: email });
const emailCheck = (email: string, kind: 'marketing' | 'transactional') =>
  check(res.list, { subject: { type: 'email', value: email }, channel: 'email', kind });

describe('complaint-consumer', () => {
  it('a spam complaint blocks marketing email but not transactional mail', async () => {
    const email = `${uniqueName('arf')}@shop.example`;
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.complaint}`, [
      {
        key: key(email),
        value: newEnvelope('abuse.complaint.v1', 'test', { email, kind: 'arf', feedbackType: 'abuse' }),
      },
    ]);
    await waitFor('complaint applied', async () => !(await emailCheck(email, 'marketing')).allowed);
    expect((await emailCheck(email, 'transactional')).allowed).toBe(true);
  });

  it('a permanent bounce blocks all email; a transient one is recorded but blocks nothing', async () => {
    const hard = `${uniqueName('hard')}@shop.example`;
    const soft = `${uniqueName('soft')}@shop.example`;
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.bounce}`, [
      {
        key: key(soft),
        value: newEnvelope('email.bounce.v1', 'test', { email: soft, bounceType: 'Transient' }),
      },
      {
        key: key(hard),
        value: newEnvelope('email.bounce.v1', 'test', { email: hard, bounceType: 'Permanent' }),
      },
    ]);
    await waitFor('hard bounce applied', async () => !(await emailCheck(hard, 'transactional')).allowed);
    await waitFor(
      'transient bounce recorded',
      async () => (await history(res.list, { type: 'email', value: soft })).length === 1,
    );
    expect((await emailCheck(soft, 'marketing')).allowed).toBe(true);
    expect((await emailCheck(soft, 'transactional')).allowed).toBe(true);
    const metrics = await res.metrics.registry.metrics();
    expect(metrics).toMatch(
      /sp_bounces_not_suppressed_total\{bounceType="Transient",service="complaint-consumer"\} 1/,
    );
  });
});

describe('salvage before the DLQ (when in doubt, suppress)', () => {
  it('an unreadable complaint blocks marketing email by key; a permanent bounce all email; a transient bounce nothing', async () => {
    const brokers = testInfra().kafkaBrokers;
    const [c, b, t] = ['c', 'b', 't'].map((x) => `${uniqueName(`salvage-${x}`)}@shop.example`) as [
      string,
      string,
      string,
    ];
    // A bounce without its address fails validation; what can be read of it decides the salvage.
    const bounce = (bounceType: string) => ({
      id: randomUUID(),
      type: 'email.bounce.v1',
      source: 'test',
      occurredAt: new Date().toISOString(),
      data: { bounceType },
    });
    await produce(brokers, `${prefix}${Topics.complaint}`, [
      { key: key(c), value: '{"type": "abuse.complaint.v1", ' },
    ]);
    await produce(brokers, `${prefix}${Topics.bounce}`, [
      { key: key(b), value: bounce('Permanent') },
      { key: key(t), value: bounce('Transient') },
    ]);
    const [dc] = await consumeAll(brokers, `${prefix}${Topics.complaint}.dlq`, 1, 120_000);
    expect(dc?.headers[DLQ_HEADERS.salvage]).toBe('applied');
    const db = await consumeAll(brokers, `${prefix}${Topics.bounce}.dlq`, 2, 120_000);
    // Different keys, different partitions: compare by key, not by order.
    expect(Object.fromEntries(db.map((d) => [d.key, d.headers[DLQ_HEADERS.salvage]]))).toEqual({
      [key(b)]: 'applied',
      [key(t)]: 'not-applicable',
    });
    expect((await emailCheck(c, 'marketing')).allowed).toBe(false);
    expect((await emailCheck(c, 'transactional')).allowed).toBe(true);
    expect((await emailCheck(b, 'transactional')).reasons).toEqual([
      expect.objectContaining({
        channel: 'email',
        purpose: 'all',
        reason: 'hard-bounce',
        source: 'salvaged-from-dlq',
      }),
    ]);
    expect((await emailCheck(t, 'marketing')).allowed).toBe(true);
  });
});
