// Issue 15 proof report: a person unsubscribes, then gets an order confirmation (transactional),
// then a newsletter is held back. The real email sender (real Kafka, real PostgreSQL, SES through
// its HTTP emulator) writes delivery_log; the API reads the same database and answers a signed
// report, checked against the OpenAPI document. The signature verifies, and fails after one byte.
import { randomBytes } from 'node:crypto';
import { newEnvelope, verifySignedHtml, verifySignedJson } from '@sp/contracts';
import { type Harness, PEPPERS, startHarness, uniqueEmail } from '@sp/email-sender/testing';
import type { ListEvent } from '@sp/suppression';
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

let h: Harness;
let api: TestApi;
beforeAll(async () => {
  h = await startHarness();
  api = await startTestApi(
    {
      SUBJECT_PEPPERS: `p1:${PEPPERS.p1}`,
      BRAND_NAME: 'InkShop',
      PROOF_SIGNING_KEY: `proof-2026:${randomBytes(32).toString('base64')}`,
    },
    { databaseUrl: h.databaseUrl },
  );
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

/** One byte of `text` changed, at the first occurrence of `near`. */
function flipOneByte(text: string, near: string): string {
  const i = text.indexOf(near);
  expect(i).toBeGreaterThan(0);
  const c = text[i]!;
  return `${text.slice(0, i)}${c === 'x' ? 'y' : 'x'}${text.slice(i + 1)}`;
}

describe('proof report (issue 15)', () => {
  it('lists the opt-out, the order confirmation sent and the newsletter held back, in order with reasons; signed', async () => {
    const to = uniqueEmail('proof');
    const optOut = newEnvelope(
      'consent.email-optout.v1',
      'edge',
      { email: to, topic: '*', method: 'web-form' },
      {
        occurredAt: new Date(Date.now() - 60_000),
        evidence: {
          channel: 'opt-out-box',
          ip: '203.0.113.7',
          userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
        },
      },
    ) as unknown as ListEvent;
    await h.applyEvents([optOut]);

    const order = h.request(to, 'order-confirmation', { firstName: 'Ann', orderNumber: 'A-7', total: '$12' });
    await h.send([order]);
    const sent = await waitFor('order sent', () => h.outcome(order.data.messageId, 'sent'));
    const news = h.request(to, 'newsletter-weekly', {
      firstName: 'Ann',
      headline: 'New ink',
      body: 'Stock.',
    });
    await h.send([news]);
    await waitFor('newsletter held back', () => h.outcome(news.data.messageId, 'suppressed'));
    const delivered = (await h.ses.emails()).filter((e) => e.destination.to.includes(to));
    expect(delivered.map((e) => e.subject)).toEqual(['Your order A-7 is confirmed']);

    const q = `email=${encodeURIComponent(to)}&timeZone=America%2FChicago`;
    const r = await api.call('GET', `/v1/subjects/proof?${q}`, { token: api.tokens.admin });
    expect(r.status).toBe(200);
    const { report } = r.body;
    expect(report).toMatchObject({
      kind: 'suppression-proof.v1',
      brand: 'InkShop',
      timeZones: ['America/Chicago'],
    });
    expect(report.subject.value).toBe(to.toLowerCase());
    const steps = report.timeline.map((e: { kind: string; reference: string }) => [e.kind, e.reference]);
    expect(steps).toEqual([
      ['event', optOut.id],
      ['message', order.data.messageId],
      ['message', news.data.messageId],
    ]);
    const [unsub, confirmation, newsletter] = report.timeline;
    expect(unsub).toMatchObject({
      title: 'Email opt-out (web-form)',
      evidence: {
        source: 'edge',
        channel: 'opt-out-box',
        ip: '203.0.113.7',
        userAgent: expect.stringContaining('Safari'),
        method: 'web-form',
      },
      stateChanges: [
        {
          channel: 'email',
          purpose: 'marketing',
          topic: '*',
          from: 'allowed',
          to: 'suppressed',
          reason: 'email-optout',
          effective: true,
        },
      ],
    });
    expect(confirmation).toMatchObject({
      title: 'Message transaction email "order-confirmation" sent',
      check: { asked: { channel: 'email', kind: 'transactional' }, answer: 'allowed', reasons: [] },
      message: {
        templateId: 'order-confirmation',
        category: 'transaction',
        status: 'sent',
        providerMessageId: sent.data.providerMessageId,
      },
    });
    expect(newsletter).toMatchObject({
      title: 'Message marketing email "newsletter-weekly" held back',
      check: {
        asked: { channel: 'email', kind: 'marketing' },
        answer: 'refused',
        reasons: [
          expect.objectContaining({ eventId: optOut.id, reason: 'email-optout', purpose: 'marketing' }),
        ],
      },
      message: { category: 'marketing', status: 'suppressed' },
    });
    expect(newsletter.reason).toContain(`email-optout (email/marketing/*, event ${optOut.id})`);
    for (const e of report.timeline) {
      expect(e.atLocal).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d America\/Chicago \(GMT-[56]\)$/);
    }

    // The signature: verifies with the published key, fails after one byte is changed.
    const key = await api.call('GET', '/v1/proof-key', { token: null });
    expect(key.body).toMatchObject({ alg: 'Ed25519', keyId: 'proof-2026' });
    const pem = key.body.publicKeyPem as string;
    expect(verifySignedJson(r.text, pem)).toEqual({ ok: true, keyId: 'proof-2026' });
    expect(verifySignedJson(flipOneByte(r.text, 'held back'), pem).ok).toBe(false);
    expect(verifySignedJson(flipOneByte(r.text, '203.0.113.7'), pem).ok).toBe(false);

    // The printable page: brand, generation time, the three steps; signed as a whole.
    const page = await api.call('GET', `/v1/subjects/proof?${q}&format=html`, { token: api.tokens.admin });
    expect(page.status).toBe(200);
    expect(page.contentType).toBe('text/html');
    expect(page.text).toContain('<h1>InkShop: suppression record</h1>');
    expect(page.text).toMatch(/Generated: \d{4}-\d\d-\d\dT[\d:.]+Z \(UTC\)/);
    const order3 = [
      'Email opt-out (web-form)',
      'order-confirmation&quot; sent',
      'newsletter-weekly&quot; held back',
    ].map((s) => page.text.indexOf(s));
    expect(order3.every((i) => i > 0)).toBe(true);
    expect([...order3].sort((a, b) => a - b)).toEqual(order3);
    expect(verifySignedHtml(page.text, pem)).toEqual({ ok: true, keyId: 'proof-2026' });
    expect(verifySignedHtml(flipOneByte(page.text, 'held back'), pem).ok).toBe(false);
  });

  it("shows a phone number's own zone as the local time", async () => {
    const r = await api.call('GET', '/v1/subjects/proof?phone=%2B12125550123', { token: api.tokens.admin });
    expect(r.status).toBe(200);
    expect(r.body.report.timeZones).toEqual(['America/New_York']);
    const email = await api.call('GET', `/v1/subjects/proof?email=${encodeURIComponent(uniqueEmail('tz'))}`, {
      token: api.tokens.admin,
    });
    expect(email.body.report.timeZones).toEqual([]);
  });

  it('answers 400 for an unknown time zone and 403 to a check-only token', async () => {
    const bad = await api.call('GET', '/v1/subjects/proof?email=a%40example.com&timeZone=Mars%2FOlympus', {
      token: api.tokens.admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('timeZone');
    const denied = await api.call('GET', '/v1/subjects/proof?email=a%40example.com', {
      token: api.tokens.check,
    });
    expect(denied.status).toBe(403);
  });
});
