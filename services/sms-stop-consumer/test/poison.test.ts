// Issue 10 item 5, the poison test, on real Kafka and PostgreSQL with the real sms-stop-consumer:
// a STOP whose MessageSid carries a U+0000, published raw to Kafka (as the edge did before it
// cleaned text), can never be written (PostgreSQL's jsonb refuses U+0000 in the ledger's payload;
// the body itself no longer reaches the ledger unless it is a bare keyword, issue 15). It must not block the 20 STOPs behind it on the
// same partition, it must land in the DLQ with the error, and the person who sent it must still
// be opted out ("when in doubt, suppress", R-SMS-2): by the subject key the message was keyed by.
import { newEnvelope, Topics } from '@sp/contracts';
import { DLQ_HEADERS } from '@sp/messaging';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { check, history, SALVAGE_SOURCE } from '@sp/suppression';
import { consumeAll, freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSmsStopConsumer } from '../src/index';

let svc: ServiceUnderTest;

beforeAll(async () => {
  svc = await startServiceUnderTest({
    service: 'sms-stop-consumer',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_sms_poison'),
    // One partition: the poisoned message and the 20 STOPs are in one queue, in that order.
    partitions: 1,
    start: (r) => startSmsStopConsumer(r, { groupId: uniqueName('sms-poison') }),
  });
});
afterAll(() => svc.close());

const BRAND = '+14155550000';
const phone = (i: number) => `+1415555${String(1000 + i).padStart(4, '0')}`;

async function smsAllowed(p: string): Promise<boolean> {
  return (
    await check(svc.res.list, { subject: { type: 'phone', value: p }, channel: 'sms', kind: 'marketing' })
  ).allowed;
}

it('a STOP with a U+0000 in its MessageSid goes to the DLQ with its error, its sender is suppressed by salvage, and the 20 STOPs behind it are applied (R-SMS-1, R-SMS-2)', async () => {
  const { res, prefix } = svc;
  const { kafkaBrokers } = testInfra();
  const poisoned = phone(0);
  const others = Array.from({ length: 20 }, (_, i) => phone(i + 1));
  const message = (from: string, body: string, messageSid = 'SM0') => ({
    // Keyed by subject key, as the edge keys every event (DESIGN.md "Events and topics").
    key: res.keyer.keyOf({ type: 'phone', value: from }),
    value: newEnvelope('consent.sms-inbound.v1', 'edge', { from, to: BRAND, body, messageSid }),
  });
  const first = message(poisoned, 'STOP', 'SM0\u0000');
  // JSON carries the NUL as the escape \u0000 — exactly what PostgreSQL's jsonb refuses.
  expect(JSON.stringify(first.value)).toContain('SM0\\u0000');
  await produce(kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
    first,
    ...others.map((p) => message(p, 'STOP')),
  ]);

  // All 21 end up blocked: the 20 by the normal path, the poisoned one by salvage.
  await waitFor('all 21 numbers suppressed for SMS', async () => {
    for (const p of [poisoned, ...others]) if (await smsAllowed(p)) return false;
    return true;
  });

  const [dead, ...more] = await consumeAll(kafkaBrokers, `${prefix}${Topics.smsInbound}.dlq`, 1, 30_000);
  expect(more).toEqual([]);
  expect(dead?.headers[DLQ_HEADERS.reason]).toBe('encoding');
  expect(dead?.headers[DLQ_HEADERS.error]).toMatch(/22P05/);
  expect(dead?.headers[DLQ_HEADERS.salvage]).toBe('applied');
  expect(dead?.headers[DLQ_HEADERS.offset]).toBe('0');
  expect(dead?.key).toBe(first.key);
  // No phone number in what the DLQ says about the error.
  for (const h of Object.values(dead?.headers ?? {})) expect(h).not.toContain(poisoned.slice(2));

  // The salvaged entry says where it came from; the normal ones do not.
  const poisonedCheck = await check(res.list, {
    subject: { type: 'phone', value: poisoned },
    channel: 'sms',
    kind: 'marketing',
  });
  expect(poisonedCheck.reasons).toEqual([
    expect.objectContaining({
      channel: 'sms',
      purpose: 'all',
      topic: '*',
      reason: 'sms-stop',
      source: SALVAGE_SOURCE,
    }),
  ]);
  const normal = await check(res.list, {
    subject: { type: 'phone', value: others[19] as string },
    channel: 'sms',
    kind: 'marketing',
  });
  expect(normal.reasons.map((r) => r.source)).toEqual(['edge']);
  const trail = await history(res.list, { type: 'phone', value: poisoned });
  expect(trail).toHaveLength(1);
  expect(trail[0]).toMatchObject({ type: 'suppression.salvage.v1', source: SALVAGE_SOURCE });
  expect(trail[0]?.payload).toMatchObject({ evidence: { deadLetter: `${prefix}${Topics.smsInbound}/0/0` } });

  // The metric says so, by cause.
  const metrics = await res.metrics.registry.metrics();
  expect(metrics).toMatch(/sp_consumer_poison_total\{[^}]*reason="encoding"[^}]*\} 1/);
  expect(metrics).toMatch(/sp_consumer_salvage_total\{[^}]*outcome="applied"[^}]*\} 1/);
});
