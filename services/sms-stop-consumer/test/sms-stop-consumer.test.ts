// Issue 4 on real Kafka and PostgreSQL: inbound texts become list entries and reply requests.
import { newEnvelope, Topics } from '@sp/contracts';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { check, history } from '@sp/suppression';
import { consumeAll, freshDatabase, produce, testInfra, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmsStopConsumer } from '../src/index';

let svc: ServiceUnderTest;
let res: ServiceUnderTest['res'];
let prefix: string;

beforeAll(async () => {
  svc = await startServiceUnderTest({
    service: 'sms-stop-consumer',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_sms'),
    start: (r) => startSmsStopConsumer(r, { groupId: uniqueName('sms-stop') }),
  });
  ({ res, prefix } = svc);
});
afterAll(() => svc.close());

const BRAND_A = '+14155550000';
const BRAND_B = '+14155550001';

let n = 0;
const phone = () =>
  `+1415${String(2_000_000 + Math.floor(Math.random() * 7_000_000) + n++).padStart(7, '0')}`;

function inbound(from: string, body: string, extra: Record<string, unknown> = {}, occurredAt = new Date()) {
  return {
    key: res.keyer.keyOf({ type: 'phone', value: from }),
    value: newEnvelope(
      'consent.sms-inbound.v1',
      'test',
      { from, to: BRAND_A, body, ...extra },
      { occurredAt },
    ),
  };
}

async function smsAllowed(p: string, kind: 'marketing' | 'transactional' = 'marketing') {
  return (await check(res.list, { subject: { type: 'phone', value: p }, channel: 'sms', kind })).allowed;
}

/** The reply requests for one phone number, read from the send-request topic. */
async function repliesTo(p: string) {
  const all = await consumeAll(
    testInfra().kafkaBrokers,
    `${prefix}${Topics.smsSendRequest}`,
    1_000_000,
    5_000,
  );
  return all.map((m) => JSON.parse(m.value ?? '{}')).filter((e) => e.data?.to === p);
}

describe('sms-stop-consumer', () => {
  it('a STOP blocks every SMS at every brand number and requests exactly one confirmation (R-SMS-1, R-SMS-3, R-SMS-7)', async () => {
    const p = phone();
    const t0 = Date.now();
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
      inbound(p, 'STOP', {}, new Date(t0)),
      inbound(p, 'stop.', { to: BRAND_B }, new Date(t0 + 1000)),
    ]);
    await waitFor('STOP applied', async () => !(await smsAllowed(p)));
    expect(await smsAllowed(p, 'transactional')).toBe(false);
    const replies = await waitFor('the confirmation request', async () => {
      const r = await repliesTo(p);
      return r.length > 0 ? r : undefined;
    });
    expect(replies).toHaveLength(1);
    expect(replies[0].data).toMatchObject({ templateId: 'sms-optout-confirmation', to: p, from: BRAND_A });
  });

  it('R-SMS-5: a STOP is honoured as of the moment it was received, also when it reaches us late; the lag is measured', async () => {
    const onTime = phone();
    const late = phone();
    // A STOP received just now, and one received three days ago that sat in the topic while the
    // consumer was down: both count from the text's receipt, not from when we read them.
    const receivedNow = new Date();
    const receivedEarlier = new Date(receivedNow.getTime() - 3 * 86_400_000);
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
      inbound(onTime, 'STOP', {}, receivedNow),
      inbound(late, 'STOP', {}, receivedEarlier),
    ]);
    await waitFor(
      'both STOPs on the list',
      async () => !(await smsAllowed(onTime)) && !(await smsAllowed(late)),
    );
    const lagMs = Date.now() - receivedNow.getTime();
    for (const [p, at] of [
      [onTime, receivedNow],
      [late, receivedEarlier],
    ] as const) {
      const r = await check(res.list, {
        subject: { type: 'phone', value: p },
        channel: 'sms',
        kind: 'marketing',
      });
      expect(r.reasons).toEqual([
        expect.objectContaining({ channel: 'sms', purpose: 'all', since: at.toISOString() }),
      ]);
    }
    // The figure, not an assertion on it: seconds on this loaded machine; the rule allows 10 business days.
    console.info(`R-SMS-5: STOP received to on the list in ${lagMs} ms`);
  });

  it('free-text revocation opts out (R-SMS-2); START after it re-subscribes (R-SMS-4)', async () => {
    const p = phone();
    const t0 = Date.now();
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
      inbound(p, 'please stop texting me', {}, new Date(t0)),
    ]);
    await waitFor('revocation applied', async () => !(await smsAllowed(p)));
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
      inbound(p, 'START', {}, new Date(t0 + 5000)),
    ]);
    await waitFor('START applied', () => smsAllowed(p));
  });

  it('sends no confirmation of its own when Twilio Advanced Opt-Out already answered (R-SMS-3)', async () => {
    const p = phone();
    const marker = phone();
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
      inbound(p, 'STOP', { optOutType: 'STOP' }),
    ]);
    await waitFor('STOP applied', async () => !(await smsAllowed(p)));
    // A later STOP from another number: once its confirmation is on the topic, anything for p would be too.
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [inbound(marker, 'STOP')]);
    await waitFor('the marker confirmation', async () => (await repliesTo(marker)).length === 1);
    expect(await repliesTo(p)).toEqual([]);
  });

  it('answers HELP with the help reply whether opted out or not, and leaves the list alone (R-SMS-4)', async () => {
    const p = phone();
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [inbound(p, 'HELP')]);
    const replies = await waitFor('the help reply', async () => {
      const r = await repliesTo(p);
      return r.length > 0 ? r : undefined;
    });
    expect(replies.map((r) => r.data.templateId)).toEqual(['sms-help']);
    expect(await smsAllowed(p)).toBe(true);
  });

  it('names the keyword language on the reply request and keeps the reading in the ledger (R-SMS-9)', async () => {
    const [fr, es, typo] = [phone(), phone(), phone()];
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
      inbound(fr, 'ARRÊT'),
      inbound(es, 'AYUDA'),
      inbound(typo, 'stpo'),
    ]);
    const replies = await waitFor('the three reply requests', async () => {
      const all = [...(await repliesTo(fr)), ...(await repliesTo(es)), ...(await repliesTo(typo))];
      return all.length === 3 ? all : undefined;
    });
    expect(replies.map((r) => [r.data.to, r.data.templateId, r.data.locale])).toEqual([
      [fr, 'sms-optout-confirmation', 'fr'],
      [es, 'sms-help', 'es'],
      [typo, 'sms-optout-confirmation', 'en'],
    ]);
    await waitFor('the misspelt STOP applied', async () => !(await smsAllowed(typo)));
    const [entry] = await history(res.list, { type: 'phone', value: typo });
    expect(entry?.payload).toMatchObject({
      intent: 'opt-out',
      evidence: { reading: { language: 'en', via: 'misspelling' } },
    });
  });

  it('records a 21610 fed back by the sender as an opt-out without a confirmation (R-SMS-7)', async () => {
    const p = phone();
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
      inbound(p, '', { errorCode: 21610 }),
    ]);
    await waitFor('21610 applied', async () => !(await smsAllowed(p)));
  });

  it('dead-letters an unparseable phone number with the reason', async () => {
    await produce(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}`, [
      {
        key: 'x',
        value: newEnvelope('consent.sms-inbound.v1', 'test', {
          from: 'not a phone',
          to: BRAND_A,
          body: 'STOP',
        }),
      },
    ]);
    const dead = await consumeAll(testInfra().kafkaBrokers, `${prefix}${Topics.smsInbound}.dlq`, 1, 120_000);
    expect(dead[0]?.headers['x-dlq-error']).toMatch(/phone|from/i);
    // Its key is no subject key: the STOP cannot be salvaged, and the dead letter says so.
    expect(dead[0]?.headers['x-dlq-salvage']).toBe('failed');
    expect(dead[0]?.headers['x-dlq-salvage-error']).toMatch(/not a subject key/);
  });
});
