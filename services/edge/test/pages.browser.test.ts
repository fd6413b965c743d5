// What a person sees in a real browser, and the event that lands on the topic: the unsubscribe
// page (R-OC-3, R-EM-2, R-EM-3) and the Do-Not-Sell page with and without GPC (R-DNS-1/2/8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from './browser';
import { events, startEdge, type TestEdge, uniqueEmail } from './helpers';

let edge: TestEdge;
beforeAll(async () => {
  edge = await startEdge();
});
afterAll(async () => {
  await edge?.close();
});

describe('unsubscribe page in a browser', () => {
  it('R-EM-2/R-EM-3: the link\'s topic and "all marketing email" on the preference page (an edge without a database)', async () => {
    const email = uniqueEmail('browser-unsub');
    const token = edge.sealer.seal({ email, topic: 'Printer tips', campaignId: 'spring-1' });
    const browser = await openBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${edge.url}/u/${token}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your email preferences');
      // The link's topic (no registry here: its id is its name) and "all marketing email" are offered.
      const topic = page.getByRole('checkbox', { name: 'Printer tips' });
      expect(await topic.isChecked()).toBe(true);
      await topic.uncheck();
      await page.getByRole('button', { name: 'Save my choices' }).click();
      await page.getByRole('heading', { name: 'Your choices are saved' }).waitFor();
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the person reads
      expect(await page.getByRole('status').innerText()).toMatch(
        /You will no longer receive:\s+Printer tips/,
      );
      // Without the list to read, no undo is offered (it would be a resubscribe the edge cannot check).
      expect(await page.getByRole('button', { name: 'Undo these changes' }).count()).toBe(0);

      await page.goto(`${edge.url}/u/${token}`);
      await page.getByLabel('Unsubscribe from all marketing email').check();
      await page.getByRole('button', { name: 'Save my choices' }).click();
      await page.getByRole('heading', { name: 'Your choices are saved' }).waitFor();
      expect(await page.getByRole('status').textContent()).toContain(
        'You are unsubscribed from all marketing email.',
      );
    } finally {
      await browser.close();
    }
    const got = await events(edge, edge.topics.emailOptOut, 2);
    expect(got.map((g) => g.event.data)).toEqual([
      { email, topic: 'Printer tips', campaignId: 'spring-1', method: 'preference-page' },
      { email, campaignId: 'spring-1', method: 'preference-page' },
    ]);
    expect(got[0]!.key).toBe(edge.keyer.keyOf({ type: 'email', value: email }));
  });

  it('R-OC-4: a tampered link shows the "not valid" page with another way to opt out', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.context.newPage();
      const res = await page.goto(`${edge.url}/u/definitely-not-a-token`);
      expect(res?.status()).toBe(400);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'This unsubscribe link is not valid',
      );
      expect(
        await page.getByRole('listitem').getByRole('link', { name: 'support@ink.example' }).count(),
      ).toBe(1);
    } finally {
      await browser.close();
    }
  });
});

describe('Do-Not-Sell page in a browser', () => {
  it('R-DNS-8/R-DNS-1: without GPC the form promises both, asks no proof, and records email + phone + device', async () => {
    const email = uniqueEmail('dns-form');
    const browser = await openBrowser();
    let cookieId: string | undefined;
    try {
      const page = await browser.context.newPage();
      await page.goto(`${edge.url}/privacy/do-not-sell`);
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the person reads
      const text = await page.locator('main').innerText();
      expect(text).toContain('stop selling or sharing your personal information');
      expect(text).toContain('stop sending you all marketing email');
      expect(text).toContain('We do not ask you to prove who you are');
      // No GPC: the notice stays hidden and nothing was published by the visit.
      expect(await page.locator('#gpc-notice').isVisible()).toBe(false);
      cookieId = (await browser.context.cookies()).find((c) => c.name === 'sp_did')?.value;
      expect(cookieId).toBeTruthy();

      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Phone number').fill('(415) 555-0134');
      await page.getByRole('button', { name: 'Do not sell or share my information' }).click();
      await page.getByRole('heading', { name: 'Your request is recorded' }).waitFor();
      const status = await page.getByRole('status').textContent();
      expect(status).toContain('stopped selling or sharing');
      expect(status).toContain('no more marketing email');
    } finally {
      await browser.close();
    }
    const got = await events<{
      subjects: Record<string, string>;
      method: string;
      gpc: boolean;
      combinedForm: boolean;
    }>(edge, edge.topics.doNotSell, 1);
    const e = got[0]!.event;
    expect(e.type).toBe('privacy.do-not-sell.v1');
    expect(e.data.method).toBe('web-form');
    expect(e.data.gpc).toBe(false);
    expect(e.data.combinedForm).toBe(true);
    expect(e.data.subjects.email).toBe(email);
    expect(e.data.subjects.phone).toBeTruthy();
    expect(e.data.subjects.deviceId).toBe(cookieId);
    expect(got[0]!.key).toBe(edge.keyer.keyOf({ type: 'email', value: email }));
  });
});
