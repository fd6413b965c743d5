// Twilio inbound webhook (R-TW-1, R-TW-2), requests signed with the SDK's own signer for the
// public URL a proxy exposes (PUBLIC_BASE_URL), not the loopback address we listen on.
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, startEdge, type TestEdge } from './helpers';

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

function params(from: string, body: string): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    MessageSid: `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`,
    From: from,
    To: '+18005550100',
    Body: body,
    NumMedia: '0',
  };
}

async function post(p: Record<string, string>, signature: string, path = '/twilio/sms') {
  return fetch(`${edge.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(p).toString(),
  });
}

describe('Twilio inbound webhook', () => {
  it('R-TW-1/R-TW-2: signed STOP variants and free text are published before the empty TwiML answer; bad signatures get 403 and publish nothing', async () => {
    const from = phone();
    // R-TW-1: wrong signature, and a valid signature for another URL (the loopback one).
    const forged = params(from, 'STOP');
    const wrong = await post(
      forged,
      twilio.getExpectedTwilioSignature(edge.twilioAuthToken, `${PUBLIC}/twilio/sms`, {
        ...forged,
        Body: 'START',
      }),
    );
    expect(wrong.status).toBe(403);
    const otherUrl = await post(
      forged,
      twilio.getExpectedTwilioSignature(edge.twilioAuthToken, `${edge.url}/twilio/sms`, forged),
    );
    expect(otherUrl.status).toBe(403);
    const otherToken = await post(
      forged,
      twilio.getExpectedTwilioSignature('another-auth-token', `${PUBLIC}/twilio/sms`, forged),
    );
    expect(otherToken.status).toBe(403);
    const none = await fetch(`${edge.url}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(forged).toString(),
    });
    expect(none.status).toBe(403);

    const bodies = ['STOP', 'stop.', ' Stop ', 'please stop texting me'];
    const sids: string[] = [];
    for (const body of bodies) {
      const p = params(from, body);
      sids.push(p.MessageSid!);
      const res = await post(
        p,
        twilio.getExpectedTwilioSignature(edge.twilioAuthToken, `${PUBLIC}/twilio/sms`, p),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/xml');
      expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    }

    // The topic is ordered: had a refused request published, it would come first.
    const got = await events<{ from: string; to: string; body: string; messageSid: string }>(
      edge,
      edge.topics.smsInbound,
      4,
    );
    expect(got.map((g) => g.event.data.body)).toEqual(bodies);
    expect(got.map((g) => g.event.data.messageSid)).toEqual(sids);
    for (const g of got) {
      expect(g.event.type).toBe('consent.sms-inbound.v1');
      expect(g.event.data.from).toBe(from);
      expect(g.event.data.to).toBe('+18005550100');
      expect(g.key).toBe(edge.keyer.keyOf({ type: 'phone', value: from }));
    }
  });

  it('R-TW-1: the query string is part of the signed URL', async () => {
    // Its own edge, so that this test's event cannot mix with the ordered read above.
    const own = await startEdge({ PUBLIC_BASE_URL: PUBLIC });
    const p = params(phone(), 'HELP');
    const post = (q: Record<string, string>, signature: string, path: string) =>
      fetch(`${own.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(q).toString(),
      });
    const signedWithout = twilio.getExpectedTwilioSignature(own.twilioAuthToken, `${PUBLIC}/twilio/sms`, p);
    const res = await post(p, signedWithout, '/twilio/sms?tenant=ink');
    expect(res.status).toBe(403);
    const signedWith = twilio.getExpectedTwilioSignature(
      own.twilioAuthToken,
      `${PUBLIC}/twilio/sms?tenant=ink`,
      p,
    );
    expect((await post(p, signedWith, '/twilio/sms?tenant=ink')).status).toBe(200);
    const got = await events<{ body: string }>(own, own.topics.smsInbound, 1);
    expect(got.map((g) => g.event.data.body)).toEqual(['HELP']);
    await own.close();
  });
});
