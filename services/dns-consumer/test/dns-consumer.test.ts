// Issue 4 on real Kafka and PostgreSQL: Do-Not-Sell requests reach check() for every identifier.
import { randomUUID } from 'node:crypto';
import { newEnvelope, Topics } from '@sp/contracts';
import { DLQ_HEADERS } from '@sp/messaging';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { check, listDnsRequests } from '@sp/suppression';
import { consumeAll, freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsConsumer } from '../src/index';

let svc: ServiceUnderTest;
let res: ServiceUnderTest['res'];
let prefix: string;

beforeAll(async () => {
  svc = await startServiceUnderTest({
    service: 'dns-consumer',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_dns'),
    start: (r) => startDnsConsumer(r, { groupId: uniqueName('dns') }),
  });
  ({ res, prefix } = svc);
});
afterAll(() => svc.close());

describe('dns-consumer', () => {
  it('the combined form stops sale/share for every identifier and all marketing email (R-DNS-8), and logs the request (R-DNS-7)', async () => {
    const email = `${uniqueName('dns')}@shop.example`;
    const deviceId = uniqueName('device');
    const requestId = randomUUID();
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.doNotSell}`, [
      {
        key: res.keyer.keyOf({ type: 'email', value: email }),
        value: newEnvelope('privacy.do-not-sell.v1', 'test', {
          requestId,
          subjects: { email, deviceId },
          method: 'web-form',
          gpc: false,
          combinedForm: true,
        }),
      },
    ]);
    const sale = await waitFor('sale_share suppressed', async () => {
      const r = await check(res.list, {
        subject: { type: 'email', value: email },
        channel: 'email',
        kind: 'sale_share',
      });
      return r.allowed ? undefined : r;
    });
    expect(sale.reasons.some((r) => r.purpose === 'sale_share')).toBe(true);
    const device = await check(res.list, {
      subject: { type: 'device', value: deviceId },
      channel: 'email',
      kind: 'sale_share',
    });
    expect(device.allowed).toBe(false);
    const marketing = await check(res.list, {
      subject: { type: 'email', value: email },
      channel: 'email',
      kind: 'marketing',
    });
    expect(marketing.allowed).toBe(false);
    const log = await listDnsRequests(res.list, { subject: { type: 'email', value: email } });
    expect(log.map((l) => l.requestId)).toEqual([requestId]);
  });

  it('an authorized agent request by phone carries the agent and permission reference (R-DNS-4)', async () => {
    const phone = '+14155557788';
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.doNotSell}`, [
      {
        key: res.keyer.keyOf({ type: 'phone', value: phone }),
        value: newEnvelope('privacy.do-not-sell.v1', 'test', {
          requestId: randomUUID(),
          subjects: { phone },
          method: 'authorized-agent',
          gpc: false,
          combinedForm: false,
          agent: { name: 'Privacy Agents LLC', permissionRef: 'POA-123' },
        }),
      },
    ]);
    await waitFor('phone sale_share suppressed', async () => {
      const r = await check(res.list, {
        subject: { type: 'phone', value: phone },
        channel: 'sms',
        kind: 'sale_share',
      });
      return !r.allowed;
    });
    const log = await listDnsRequests(res.list, { subject: { type: 'phone', value: phone } });
    expect(log[0]).toMatchObject({
      method: 'authorized-agent',
      agent: { name: 'Privacy Agents LLC', permissionRef: 'POA-123' },
    });
  });
});

describe('salvage before the DLQ (when in doubt, suppress)', () => {
  it('a Do-Not-Sell request that cannot be read still stops sale/share for the identifier it was keyed by', async () => {
    const email = `${uniqueName('dns-lost')}@shop.example`;
    const key = res.keyer.keyOf({ type: 'email', value: email });
    const topic = `${prefix}${Topics.doNotSell}`;
    await produce(testInfra().kafkaBrokers, topic, [{ key, value: Buffer.from([0x7b, 0xff, 0xfe, 0x00]) }]);
    const [dead] = await consumeAll(testInfra().kafkaBrokers, `${topic}.dlq`, 1, 120_000);
    expect(dead?.headers[DLQ_HEADERS.salvage]).toBe('applied');
    const r = await check(res.list, {
      subject: { type: 'email', value: email },
      channel: 'email',
      kind: 'sale_share',
    });
    expect(r.allowed).toBe(false);
    expect(r.reasons).toEqual([
      expect.objectContaining({
        channel: 'any',
        purpose: 'sale_share',
        reason: 'do-not-sell',
        source: 'salvaged-from-dlq',
      }),
    ]);
    // Sale/share only: marketing email is not what the request was known to ask.
    const m = await check(res.list, {
      subject: { type: 'email', value: email },
      channel: 'email',
      kind: 'marketing',
    });
    expect(m.allowed).toBe(true);
  });
});
