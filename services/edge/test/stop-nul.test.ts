// Issue 10 item 5 end to end: a signed Twilio text "stop\u0000" through the real edge and the
// real sms-stop-consumer. Before, the edge published the NUL, PostgreSQL refused the ledger row,
// and the consumer retried that message forever while every later STOP waited behind it.
import { Topics } from '@sp/contracts';
import { checkMany } from '@sp/suppression';
import { consumeAll, testInfra, waitFor } from '@sp/testing';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from './pipeline';

const PUBLIC = 'https://hooks.ink.example';
const BRAND = '+18005550100';
let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ PUBLIC_BASE_URL: PUBLIC });
});
afterAll(async () => {
  await p?.close();
});

let n = 0;
const phone = () =>
  `+1415${String(2_000_000 + Math.floor(Math.random() * 7_000_000) + n++).padStart(7, '0')}`;

async function text(from: string, body: string) {
  // Shaped like Twilio's inbound-message webhook (its documented parameter names).
  const params = {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: `SM${n.toString(16).padStart(32, '0')}`,
    NumMedia: '0',
    FromState: 'CA',
    SmsStatus: 'received',
    FromCountry: 'US',
    Body: body,
    To: BRAND,
    NumSegments: '1',
    MessageSid: `SM${(n++).toString(16).padStart(32, '0')}`,
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: from,
    ApiVersion: '2010-04-01',
  };
  const res = await fetch(`${p.edge.url}/twilio/sms`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(
        p.edge.twilioAuthToken,
        `${PUBLIC}/twilio/sms`,
        params,
      ),
    },
    body: new URLSearchParams(params).toString(),
  });
  return res.status;
}

describe('a signed "stop\\u0000" (issue 10 item 5)', () => {
  it('suppresses the number with exactly one confirmation, and 20 STOPs sent right after are all suppressed too', async () => {
    const first = phone();
    const others = Array.from({ length: 20 }, phone);
    expect(await text(first, 'stop\u0000')).toBe(200);
    const statuses = await Promise.all(others.map((o) => text(o, 'STOP')));
    expect(statuses).toEqual(others.map(() => 200));

    const all = [first, ...others];
    await waitFor('all 21 numbers suppressed', async () => {
      const r = await checkMany(
        p.list,
        all.map((value) => ({
          subject: { type: 'phone' as const, value },
          channel: 'sms' as const,
          kind: 'marketing' as const,
        })),
      );
      return r.every((x) => !x.allowed);
    });

    // Replies are requested before the list is written, so they are all on the topic by now.
    const requests = (
      await consumeAll(testInfra().kafkaBrokers, `${p.prefix}${Topics.smsSendRequest}`, 1_000_000, 5_000)
    ).map((m) => JSON.parse(m.value ?? '{}') as { data: { to: string; templateId: string; from: string } });
    const toFirst = requests.filter((r) => r.data.to === first);
    expect(toFirst.map((r) => r.data)).toEqual([
      expect.objectContaining({ to: first, from: BRAND, templateId: 'sms-optout-confirmation' }),
    ]);
    for (const o of others) expect(requests.filter((r) => r.data.to === o)).toHaveLength(1);
    // Nothing went to a dead-letter topic.
    const dlq = await consumeAll(
      testInfra().kafkaBrokers,
      `${p.prefix}${Topics.smsInbound}.dlq`,
      1,
      1_000,
    ).catch(() => []);
    expect(dlq).toEqual([]);
  });
});
