// What a consumer would refuse is refused at the edge with a 4xx, and nothing reaches Kafka
// (issue 10 item 9); free text is cleaned of control characters and identifiers holding them are
// refused (item 5). Before, each of these inputs was answered 2xx and sent a readable address
// to the consumer's dead-letter topic (or, for U+0000, blocked its partition).
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, published, startEdge, type TestEdge, uniqueEmail } from './helpers';

const PUBLIC = 'https://hooks.ink.example';
let edge: TestEdge;
beforeAll(async () => {
  edge = await startEdge({ PUBLIC_BASE_URL: PUBLIC });
});
afterAll(async () => {
  await edge?.close();
});

function phone(): string {
  return `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
}

async function twilioPost(p: Record<string, string>) {
  const signature = twilio.getExpectedTwilioSignature(edge.twilioAuthToken, `${PUBLIC}/twilio/sms`, p);
  return fetch(`${edge.url}/twilio/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(p).toString(),
  });
}

function dnsApi(body: unknown) {
  return fetch(`${edge.url}/v1/privacy/do-not-sell`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${edge.dnsApiToken}` },
    body: JSON.stringify(body),
  });
}

function dnsForm(fields: Record<string, string>) {
  return fetch(`${edge.url}/privacy/do-not-sell`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

function oneClick(token: string) {
  return fetch(`${edge.url}/u/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
}

describe('the edge refuses what the consumers would refuse (issue 10 items 5 and 9)', () => {
  it('answers 4xx with a reason on every route and publishes nothing', async () => {
    const twilioBase = {
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      To: '+18005550100',
      NumMedia: '0',
    };
    const refused: [string, Promise<Response>, number, string][] = [
      // An alphanumeric sender does not normalize: the list cannot key a STOP by it.
      ['twilio alphanumeric From', twilioPost({ ...twilioBase, From: 'VERIFY', Body: 'STOP' }), 400, 'From'],
      [
        'twilio From with NUL',
        twilioPost({ ...twilioBase, From: `${phone()}\u0000`, Body: 'STOP' }),
        400,
        'From',
      ],
      [
        'twilio To with a control',
        twilioPost({ ...twilioBase, From: phone(), To: '+18005550100\u0007', Body: 'STOP' }),
        400,
        'To',
      ],
      [
        'twilio MessageSid with NUL',
        twilioPost({ ...twilioBase, From: phone(), MessageSid: 'SM\u0000', Body: 'STOP' }),
        400,
        'MessageSid',
      ],
      [
        'one-click token for a non-address',
        oneClick(edge.sealer.seal({ email: 'no-at-sign.example.com' })),
        400,
        'link',
      ],
      [
        'one-click token for an address with a control',
        oneClick(edge.sealer.seal({ email: 'a\u0001b@example.com' })),
        400,
        'link',
      ],
      [
        'form email with NUL',
        dnsForm({ email: `x\u0000${uniqueEmail('f')}` }),
        400,
        'email address does not look right',
      ],
      [
        'form phone with NUL',
        dnsForm({ phone: '+1 415 555 0\u0000100' }),
        400,
        'phone number does not look right',
      ],
      // normalizeOpaqueId (what the dns-consumer runs) refuses ids over 200 characters.
      [
        'api customer id too long',
        dnsApi({ subjects: { customerId: 'c'.repeat(201) }, method: 'api' }),
        400,
        'subjects.customerId',
      ],
      [
        'api device id with NUL',
        dnsApi({ subjects: { deviceId: 'dev\u0000ice' }, method: 'api' }),
        400,
        'subjects.deviceId',
      ],
      [
        'api email with NUL',
        dnsApi({ subjects: { email: `${uniqueEmail('a')}\u0000` }, method: 'email' }),
        400,
        'subjects.email',
      ],
      [
        'api requestId with NUL',
        dnsApi({ requestId: 'r\u00001', subjects: { email: uniqueEmail('r') }, method: 'api' }),
        400,
        'requestId',
      ],
      // Cleaned, the agent's name is empty: the contract the consumer parses with needs one.
      [
        'api agent name of controls only',
        dnsApi({
          subjects: { email: uniqueEmail('agent') },
          method: 'authorized-agent',
          agent: { name: '\u0000\u0001', permissionRef: 'poa-1' },
        }),
        400,
        'agent.name',
      ],
    ];
    const seen: string[] = [];
    for (const [what, pending, , reason] of refused) {
      const res = await pending;
      seen.push(`${what}: ${res.status} ${(await res.text()).includes(reason)}`);
    }
    expect(seen).toEqual(refused.map(([what, , status]) => `${what}: ${status} true`));
    expect(await published(edge)).toEqual({
      emailOptOut: 0,
      smsInbound: 0,
      doNotSell: 0,
      complaint: 0,
      bounce: 0,
    });
  });

  it('cleans control characters out of free text: a signed "stop\\u0000" is published as "stop"; a token topic of controls only unsubscribes from everything', async () => {
    const from = phone();
    const before = await published(edge);
    const p = {
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      MessageSid: 'SMnul0000000000000000000000000000',
      From: from,
      To: '+18005550100',
      Body: 'stop\u0000',
      NumMedia: '0',
    };
    const res = await twilioPost(p);
    expect(res.status).toBe(200);
    // The signature was checked over the body as sent (with the NUL): a copy without it is refused.
    const forged = await fetch(`${edge.url}/twilio/sms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(
          edge.twilioAuthToken,
          `${PUBLIC}/twilio/sms`,
          p,
        ),
      },
      body: new URLSearchParams({ ...p, Body: 'stop' }).toString(),
    });
    expect(forged.status).toBe(403);

    const email = uniqueEmail('topicless');
    const r = await oneClick(edge.sealer.seal({ email, topic: '\u0001\u0002', campaignId: 'c\u0001-9' }));
    expect(r.status).toBe(200);

    const sms = await events<{ from: string; body: string }>(
      edge,
      edge.topics.smsInbound,
      before.smsInbound + 1,
    );
    expect(sms.at(-1)!.event.data).toMatchObject({ from, body: 'stop' });
    const optouts = await events(edge, edge.topics.emailOptOut, before.emailOptOut + 1);
    expect(optouts.at(-1)!.event.data).toEqual({ email, campaignId: 'c-9', method: 'one-click' });
  });
});
