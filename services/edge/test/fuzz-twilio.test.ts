// Property-based fuzz of the Twilio webhook (issue 10) on real HTTP, real Kafka and the real
// sms-stop-consumer: signed (with twilio's own signer) and forged requests with random
// parameters — control characters, unicode, huge values, random extra Twilio fields. Never a 5xx,
// nothing published for a refused request, and every accepted STOP ends on the list.
import { randomUUID } from 'node:crypto';
import type { CheckQuery } from '@sp/suppression';
import fc from 'fast-check';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSuppressed, anyText, controlChar, freshPhone, fuzzRuns, sprinkled } from './fuzz';
import { published } from './helpers';
import { type Pipeline, startPipeline } from './pipeline';

const PUBLIC = 'https://hooks.ink.example';
const BRAND = '+18005550100';
let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ PUBLIC_BASE_URL: PUBLIC, BODY_LIMIT_BYTES: String(64 * 1024) });
});
afterAll(async () => {
  await p?.close();
});

// Twilio's inbound-message parameters (as its webhook documentation lists them) and plausible values.
const twilioField = fc.constantFrom(
  'ToCountry',
  'ToState',
  'ToCity',
  'ToZip',
  'FromCountry',
  'FromState',
  'FromCity',
  'FromZip',
  'SmsStatus',
  'SmsSid',
  'SmsMessageSid',
  'NumSegments',
  'NumMedia',
  'MessagingServiceSid',
  'OptOutType',
  'ErrorCode',
  'ApiVersion',
  'AccountSid',
  'MediaUrl0',
  'MediaContentType0',
  'ReferralNumMedia',
);
const fieldValue = fc.oneof(
  fc.constantFrom(
    'US',
    'CA',
    'received',
    '1',
    '0',
    '2010-04-01',
    'STOP',
    'START',
    'HELP',
    '21610',
    'MG0123456789abcdef0123456789abcdef',
  ),
  anyText,
);

// STOP keywords (R-SMS-1) with controls inside; cleaned, each is a STOP.
const stopBody = fc
  .constantFrom('STOP', 'stop', 'Stop', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT')
  .chain(sprinkled);

const from = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null).map(() => freshPhone()) },
  { weight: 1, arbitrary: fc.tuple(controlChar).map(([c]) => `${freshPhone()}${c}`) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.constantFrom('VERIFY', '12345', '', '+', 'ＳＴＯＰ') },
);

const request = fc.record({
  from,
  to: fc.oneof({ weight: 8, arbitrary: fc.constant(BRAND) }, { weight: 1, arbitrary: anyText }),
  // `stop`: a STOP keyword by construction (only controls added), the oracle of the check below.
  body: fc.oneof(
    { weight: 3, arbitrary: stopBody.map((text) => ({ text, stop: true })) },
    { weight: 3, arbitrary: anyText.map((text) => ({ text, stop: false })) },
    { weight: 1, arbitrary: fc.constant({ text: undefined, stop: false }) },
  ),
  extra: fc.dictionary(
    fc.oneof({ weight: 4, arbitrary: twilioField }, { weight: 1, arbitrary: anyText }),
    fieldValue,
    { maxKeys: 6 },
  ),
  signature: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'forged', 'none'),
});

describe('Twilio webhook fuzz (issue 10)', () => {
  it('never answers 5xx, publishes exactly the accepted messages, and every accepted STOP is on the list', async () => {
    const before = await published(p.edge);
    let accepted = 0;
    const stops: CheckQuery[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const params: Record<string, string> = {
          ...r.extra,
          From: r.from,
          To: r.to,
          MessageSid: `SM${randomUUID().replaceAll('-', '')}`,
        };
        if (r.body.text !== undefined) params.Body = r.body.text;
        const url = `${PUBLIC}/twilio/sms`;
        const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
        if (r.signature === 'valid')
          headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(
            p.edge.twilioAuthToken,
            url,
            params,
          );
        if (r.signature === 'forged')
          headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature('not-the-token', url, params);
        const res = await fetch(`${p.edge.url}/twilio/sms`, {
          method: 'POST',
          headers,
          body: new URLSearchParams(params).toString(),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect([200, 400, 403, 413]).toContain(res.status);
        if (r.signature !== 'valid') expect(res.status).not.toBe(200);
        if (res.status !== 200) return;
        accepted++;
        const optOutType = params.OptOutType?.toUpperCase();
        const stop =
          optOutType === 'STOP' ||
          params.ErrorCode === '21610' ||
          (r.body.stop && optOutType !== 'START' && optOutType !== 'HELP');
        if (stop)
          stops.push({ subject: { type: 'phone', value: r.from }, channel: 'sms', kind: 'marketing' });
      }),
      { numRuns: fuzzRuns(800) },
    );
    const after = await published(p.edge);
    expect(after.smsInbound - before.smsInbound).toBe(accepted);
    expect(stops.length).toBeGreaterThan(0);
    await allSuppressed(p.list, stops);
    console.info(
      `twilio fuzz: ${JSON.stringify(Object.fromEntries(statuses))}, ${stops.length} STOPs on the list`,
    );
  });
});
