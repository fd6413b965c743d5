// One-click unsubscribe over real HTTP and real Kafka (R-OC-2, R-OC-3, R-OC-4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, startEdge, type TestEdge, uniqueEmail } from './helpers';

let edge: TestEdge;
beforeAll(async () => {
  edge = await startEdge();
});
afterAll(async () => {
  await edge?.close();
});

describe('one-click unsubscribe', () => {
  it('R-OC-3: a GET shows the page and publishes nothing; R-OC-2: one-click POSTs (urlencoded and multipart) opt out with 200, no Location, no cookie', async () => {
    const scanned = uniqueEmail('scanned');
    const urlencoded = uniqueEmail('urlenc');
    const multipart = uniqueEmail('multi');
    const scannedToken = edge.sealer.seal({ email: scanned, topic: 'weekly-deals', campaignId: 'c-1' });

    // A link scanner follows the link: it sees a page with a button, and nobody is opted out.
    const get = await fetch(`${edge.url}/u/${scannedToken}`, { redirect: 'manual' });
    expect(get.status).toBe(200);
    const page = await get.text();
    expect(page).toContain('<form method="post"');
    expect(page).toContain('All marketing email');
    expect(page).not.toContain(scanned);

    const t1 = edge.sealer.seal({ email: urlencoded, topic: 'weekly-deals', campaignId: 'c-2' });
    const r1 = await fetch(`${edge.url}/u/${t1}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(r1.status).toBe(200);
    expect(r1.headers.get('location')).toBeNull();
    expect(r1.headers.get('set-cookie')).toBeNull();
    expect(await r1.text()).toContain('You are unsubscribed');

    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const t2 = edge.sealer.seal({ email: multipart });
    const r2 = await fetch(`${edge.url}/u/${t2}`, { method: 'POST', redirect: 'manual', body: form });
    expect(r2.headers.get('content-type')).toContain('text/html');
    expect(r2.status).toBe(200);
    expect(r2.headers.get('location')).toBeNull();
    expect(r2.headers.get('set-cookie')).toBeNull();

    // The topic is ordered: had the GET published, its event would come first.
    const got = await events(edge, edge.topics.emailOptOut, 2);
    expect(got.map((g) => g.event.data)).toEqual([
      { email: urlencoded, topic: 'weekly-deals', campaignId: 'c-2', method: 'one-click' },
      { email: multipart, method: 'one-click' },
    ]);
    expect(got[0]!.event.type).toBe('consent.email-optout.v1');
    expect(got[0]!.key).toBe(edge.keyer.keyOf({ type: 'email', value: urlencoded }));
    expect(got.some((g) => JSON.stringify(g.event).includes(scanned))).toBe(false);
  });

  it('R-OC-4: a tampered or garbage token gets the 400 page naming other ways to opt out, never a 500', async () => {
    const token = edge.sealer.seal({ email: uniqueEmail('tamper'), topic: 'news' });
    const i = Math.floor(token.length / 2);
    const tampered = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
    for (const bad of [tampered, 'not-a-token', 'x'.repeat(300)]) {
      const get = await fetch(`${edge.url}/u/${bad}`);
      expect(get.status).toBe(400);
      const text = await get.text();
      expect(text).toContain('This unsubscribe link is not valid');
      expect(text).toContain('support@ink.example');
      const post = await fetch(`${edge.url}/u/${bad}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(post.status).toBe(400);
    }
  });

  it('sends security headers and no referrer on pages', async () => {
    const token = edge.sealer.seal({ email: uniqueEmail('headers') });
    const res = await fetch(`${edge.url}/u/${token}`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
