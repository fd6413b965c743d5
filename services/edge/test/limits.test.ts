// Abuse limits (issue 10, item 12): what costs or attacks is limited (failed tokens and
// signatures per IP, page views per IP, Do-Not-Sell form posts per identifier); a valid sealed
// token or Twilio signature is never refused for volume, its repeats are answered once published.
import { startOptoutConsumer } from '@sp/optout-consumer';
import { checkMany } from '@sp/suppression';
import { uniqueName, waitFor } from '@sp/testing';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  committedCount,
  type EdgeOnList,
  inPool,
  messageCount,
  startEdge,
  startEdgeOnList,
  type TestEdge,
  uniqueEmail,
} from './helpers';

const BUDGET = 20;
// Long windows: every count below happens inside one window, whatever the machine's speed.
const TIGHT = {
  RATE_LIMIT_WINDOW_MS: '600000',
  PAGE_RATE_LIMIT_MAX: String(BUDGET),
  FAILED_AUTH_RATE_LIMIT_MAX: String(BUDGET),
  FORM_RATE_LIMIT_MAX: '2',
  BODY_LIMIT_BYTES: '2048',
};

function oneClick(edge: TestEdge, token: string, headers: Record<string, string> = {}) {
  return fetch(`${edge.url}/u/${token}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: 'List-Unsubscribe=One-Click',
  });
}

/** A token of the right shape that does not open: a real one with its last characters changed. */
function forged(edge: TestEdge, i: number): string {
  const real = edge.sealer.seal({ email: `forged-${i}@example.com`, topic: 'weekly-deals' });
  return `${real.slice(0, -6)}${String(i)
    .padStart(6, 'A')
    .replace(/\d/g, (d) => 'QRSTUVWXYZ'[Number(d)]!)}`;
}

describe('one-click under load (real Kafka, real optout-consumer, real list)', () => {
  let sys: EdgeOnList;
  const groupId = uniqueName('optout-limits');
  beforeAll(async () => {
    sys = await startEdgeOnList('edge-limits', (res) => startOptoutConsumer(res, { groupId }), TIGHT);
  });
  afterAll(async () => {
    await sys?.close();
  });

  it('R-OC-2: 1,000 forged tokens from one IP get 429 with Retry-After past the budget and publish nothing; then 5,000 valid one-click POSTs from that same IP are all accepted and all on the list', async () => {
    const { edge } = sys;
    const forgedRes = await inPool(
      Array.from({ length: 1000 }, (_, i) => i),
      20,
      async (i) => {
        const res = await oneClick(edge, forged(edge, i));
        await res.arrayBuffer();
        return { status: res.status, retryAfter: res.headers.get('retry-after') };
      },
    );
    expect(forgedRes.filter((r) => r.status === 400)).toHaveLength(BUDGET);
    const throttled = forgedRes.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(1000 - BUDGET);
    for (const r of throttled) expect(Number(r.retryAfter)).toBeGreaterThan(0);

    // The IP is now over its failure budget; valid tokens from it are still never refused.
    const emails = Array.from({ length: 5000 }, (_, i) => uniqueEmail(`bulk${i}`));
    const started = performance.now();
    const statuses = await inPool(emails, 20, async (email) => {
      const res = await oneClick(
        edge,
        edge.sealer.seal({ email, topic: 'weekly-deals', campaignId: 'black-friday' }),
      );
      await res.arrayBuffer();
      return res.status;
    });
    const seconds = (performance.now() - started) / 1000;
    console.info(`5,000 valid one-click POSTs (20 in flight) answered in ${seconds.toFixed(1)} s`);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Published before each 200, and only those: nothing of the forged ones.
    expect(await messageCount(edge, edge.topics.emailOptOut)).toBe(5000);
    await waitFor(
      'the optout-consumer to commit all 5,000',
      async () => (await committedCount(edge, groupId, edge.topics.emailOptOut)) >= 5000,
      { timeoutMs: 240_000, intervalMs: 500 },
    );
    const results = await checkMany(
      sys.list,
      emails.map((value) => ({
        subject: { type: 'email' as const, value },
        channel: 'email' as const,
        kind: 'marketing' as const,
        topic: 'weekly-deals',
      })),
    );
    expect(results.filter((r) => r.allowed)).toEqual([]);
    expect(results).toHaveLength(5000);
  }, 600_000);
});

describe('limits', () => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await startEdge(TIGHT);
  });
  afterAll(async () => {
    await edge?.close();
  });

  it('the same valid token POSTed 30 times is answered 200 each time and published once', async () => {
    const email = uniqueEmail('repeat');
    const token = edge.sealer.seal({ email, topic: 'weekly-deals' });
    const statuses = await inPool(
      Array.from({ length: 30 }, () => token),
      10,
      async (t) => (await oneClick(edge, t)).status,
    );
    expect(statuses).toEqual(Array(30).fill(200));
    // The page's own choice is another request: it publishes once too.
    const page = await fetch(`${edge.url}/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'scope=all',
    });
    expect(page.status).toBe(200);
    expect(await messageCount(edge, edge.topics.emailOptOut)).toBe(2);
  });

  it('a signed Twilio message is never refused and published once per MessageSid; forged signatures are throttled', async () => {
    const url = `${edge.url}/twilio/sms`;
    const params = (sid: string) => ({
      AccountSid: 'AC00000000000000000000000000000000',
      MessageSid: sid,
      From: '+14155550142',
      To: '+18005550100',
      Body: 'STOP',
    });
    // Twilio signs over the public URL: this edge's PUBLIC_BASE_URL is the default.
    const signed = (p: Record<string, string>) =>
      twilio.getExpectedTwilioSignature(edge.twilioAuthToken, 'http://localhost:8080/twilio/sms', p);
    const post = (p: Record<string, string>, signature: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(p).toString(),
      });
    const bad = await inPool(
      Array.from({ length: BUDGET + 5 }, (_, i) => i),
      5,
      async (i) => (await post(params(`SMforged${i}`), 'bm90IGEgc2lnbmF0dXJl')).status,
    );
    expect(bad.filter((s) => s === 403)).toHaveLength(BUDGET);
    expect(bad.filter((s) => s === 429)).toHaveLength(5);

    const retried = params('SM0123456789abcdef0123456789abcdef');
    const again = await inPool(
      Array.from({ length: 10 }, () => retried),
      5,
      async (p) => {
        const res = await post(p, signed(p));
        return [res.status, await res.text()] as const;
      },
    );
    for (const [status, body] of again) {
      expect(status).toBe(200);
      expect(body).toContain('<Response></Response>');
    }
    expect(await messageCount(edge, edge.topics.smsInbound)).toBe(1);
  });

  it('page views are limited per client IP: 429 with Retry-After past the budget; an X-Forwarded-For from an untrusted peer changes nothing', async () => {
    const own = await startEdge(TIGHT);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < BUDGET + 1; i++) {
        const res = await fetch(`${own.url}/privacy/do-not-sell`, {
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
        });
        await res.arrayBuffer();
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      expect(statuses).toEqual([...Array(BUDGET).fill(200), 429]);
    } finally {
      await own.close();
    }
  });

  it('TRUST_PROXY names the load balancer: behind it each X-Forwarded-For client has its own page budget', async () => {
    const own = await startEdge({ ...TIGHT, PAGE_RATE_LIMIT_MAX: '2', TRUST_PROXY: '127.0.0.1/8' });
    try {
      const view = async (client: string) => {
        const res = await fetch(`${own.url}/privacy/do-not-sell`, { headers: { 'x-forwarded-for': client } });
        await res.arrayBuffer();
        return res.status;
      };
      expect([await view('198.51.100.7'), await view('198.51.100.7'), await view('198.51.100.7')]).toEqual([
        200, 200, 429,
      ]);
      expect(await view('198.51.100.8')).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('Do-Not-Sell form posts are limited per email address, not per visitor', async () => {
    const own = await startEdge(TIGHT);
    try {
      const email = uniqueEmail('dns-flood');
      const send = async (address: string) => {
        const res = await fetch(`${own.url}/privacy/do-not-sell`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email: address }).toString(),
        });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), page: await res.text() };
      };
      expect((await send(email)).status).toBe(200);
      expect((await send(email.toUpperCase())).status).toBe(200);
      const third = await send(email);
      expect(third.status).toBe(429);
      expect(Number(third.retryAfter)).toBeGreaterThan(0);
      expect(third.page).toContain('several requests for this email address');
      expect((await send(uniqueEmail('dns-other'))).status).toBe(200);
      expect(await messageCount(own, own.topics.doNotSell)).toBe(3);
    } finally {
      await own.close();
    }
  });

  it("issue 19: opt-out box posts are limited per address (their own budget, not the Do-Not-Sell form's) and per IP", async () => {
    const own = await startEdge({ ...TIGHT, PAGE_RATE_LIMIT_MAX: '6' });
    try {
      const email = uniqueEmail('box-flood');
      const post = async (path: string, address: string) => {
        const res = await fetch(`${own.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email: address }).toString(),
        });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), page: await res.text() };
      };
      // The Do-Not-Sell form spends its budget for the address; the box still has its own.
      expect((await post('/privacy/do-not-sell', email)).status).toBe(200);
      expect((await post('/privacy/do-not-sell', email)).status).toBe(200);
      expect((await post('/privacy/opt-out', email)).status).toBe(200);
      expect((await post('/privacy/opt-out', email.toUpperCase())).status).toBe(200);
      const third = await post('/privacy/opt-out', email);
      expect(third.status).toBe(429);
      expect(Number(third.retryAfter)).toBeGreaterThan(0);
      expect(third.page).toContain('several requests for this email address');
      expect(await messageCount(own, own.topics.emailOptOut)).toBe(2);
      // The sixth page or post of this IP is its last; past it, any address gets 429.
      expect((await post('/privacy/opt-out', uniqueEmail('box-other'))).status).toBe(200);
      expect((await post('/privacy/opt-out', uniqueEmail('box-other'))).status).toBe(429);
      expect(await messageCount(own, own.topics.emailOptOut)).toBe(3);
    } finally {
      await own.close();
    }
  });

  it('refuses an oversized body with 413', async () => {
    const res = await fetch(`${edge.url}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Body=${'x'.repeat(5000)}`,
    });
    expect(res.status).toBe(413);
  });
});
