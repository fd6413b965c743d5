// R-DNS-2: a browser sending Sec-GPC: 1 is opted out on arrival, asked nothing, and told so; a
// browser that only reports navigator.globalPrivacyControl is told so only once the edge took
// the page's post of it (issue 10, item 7).
import { startDnsConsumer } from '@sp/dns-consumer';
import { check } from '@sp/suppression';
import { uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type TestBrowser } from './browser';
import {
  type EdgeOnList,
  events,
  messageCount,
  startEdge,
  startEdgeOnList,
  type TestEdge,
  uniqueEmail,
} from './helpers';

let edge: TestEdge;
beforeAll(async () => {
  edge = await startEdge();
});
afterAll(async () => {
  await edge?.close();
});

type Dns = { subjects: Record<string, string>; method: string; gpc: boolean; combinedForm: boolean };

describe('Do-Not-Sell page with Global Privacy Control', () => {
  it('R-DNS-2: the visit alone opts the device out and the page says the signal was honored; a form sent with it carries gpc', async () => {
    const email = uniqueEmail('gpc');
    const browser = await openBrowser({ extraHTTPHeaders: { 'Sec-GPC': '1' } });
    let deviceId: string | undefined;
    try {
      const page = await browser.context.newPage();
      await page.goto(`${edge.url}/privacy/do-not-sell`);
      const notice = page.locator('#gpc-notice');
      expect(await notice.isVisible()).toBe(true);
      expect(await notice.textContent()).toContain(
        "Your browser's Global Privacy Control signal was honored",
      );
      deviceId = (await browser.context.cookies()).find((c) => c.name === 'sp_did')?.value;
      expect(deviceId).toBeTruthy();

      // The device opt-out is already in Kafka: the page was answered after the ack.
      const first = await events<Dns>(edge, edge.topics.doNotSell, 1);
      expect(first[0]!.event.data).toMatchObject({
        subjects: { deviceId },
        method: 'gpc',
        gpc: true,
        combinedForm: false,
      });
      expect(first[0]!.key).toBe(edge.keyer.keyOf({ type: 'device', value: deviceId! }));

      // A reload sends the header again: still honored, not published again (the topic is
      // ordered, so a second GPC event would come before the form's below).
      await page.reload();
      expect(await notice.isVisible()).toBe(true);

      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Do not sell or share my information' }).click();
      await page.getByRole('heading', { name: 'Your request is recorded' }).waitFor();
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the person reads
      expect(await page.locator('main').innerText()).toContain('Global Privacy Control signal was honored');
    } finally {
      await browser.close();
    }
    const got = await events<Dns>(edge, edge.topics.doNotSell, 2);
    expect(got[1]!.event.data).toMatchObject({
      subjects: { email, deviceId },
      method: 'web-form',
      gpc: true,
      combinedForm: true,
    });
  });
});

/** A browser whose script sees navigator.globalPrivacyControl === true but sends no Sec-GPC header. */
async function scriptOnlyGpcBrowser(): Promise<TestBrowser> {
  const browser = await openBrowser();
  // Runs in the page before its own script, as an extension or a browser setting would.
  await browser.context.addInitScript({
    content:
      "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });",
  });
  return browser;
}

describe('Do-Not-Sell page with navigator.globalPrivacyControl only (no Sec-GPC header)', () => {
  let sys: EdgeOnList;
  beforeAll(async () => {
    sys = await startEdgeOnList('edge-gpc', (res) =>
      startDnsConsumer(res, { groupId: uniqueName('dns-gpc') }),
    );
  });
  afterAll(async () => {
    await sys?.close();
  });

  it('R-DNS-2: the notice appears only after the edge accepted the posted signal, the device is then blocked for sale_share on the real list, and a second visit adds nothing to the ledger', async () => {
    const { edge } = sys;
    const browser = await scriptOnlyGpcBrowser();
    let deviceId: string | undefined;
    try {
      const page = await browser.context.newPage();
      const sentGpcHeader: string[] = [];
      page.on('request', (r) => {
        if (r.headers()['sec-gpc'] !== undefined) sentGpcHeader.push(r.url());
      });
      // Hold the page's post of the signal until the test lets it through to the edge.
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      let posted = false;
      await page.route('**/privacy/gpc', async (route) => {
        posted = true;
        await held;
        await route.continue();
      });
      await page.goto(`${edge.url}/privacy/do-not-sell`);
      await waitFor('the page to post the signal', () => posted);
      const notice = page.locator('#gpc-notice');
      expect(await notice.isVisible()).toBe(false);
      expect(await messageCount(edge, edge.topics.doNotSell)).toBe(0);

      release();
      await notice.waitFor({ state: 'visible' });
      expect(await notice.textContent()).toContain(
        "Your browser's Global Privacy Control signal was honored",
      );
      expect(await page.locator('#gpc-failed').isVisible()).toBe(false);
      expect(sentGpcHeader).toEqual([]);
      deviceId = (await browser.context.cookies()).find((c) => c.name === 'sp_did')?.value;
      expect(deviceId).toBeTruthy();

      // The edge answered after Kafka's ack: the event is there, and the real consumer applies it.
      const got = await events<Dns>(edge, edge.topics.doNotSell, 1);
      expect(got[0]!.event.data).toMatchObject({ subjects: { deviceId }, method: 'gpc', gpc: true });
      await waitFor('the device blocked for sale_share', async () => {
        const r = await check(sys.list, {
          subject: { type: 'device', value: deviceId! },
          channel: 'email',
          kind: 'sale_share',
        });
        return !r.allowed;
      });

      // Reloads of the page from this device: honored again (it is on the ledger), published once.
      await page.unroute('**/privacy/gpc');
      for (let i = 0; i < 3; i++) {
        const answered = page.waitForResponse('**/privacy/gpc');
        await page.reload();
        expect((await answered).status()).toBe(200);
        await notice.waitFor({ state: 'visible' });
      }
      expect(await messageCount(edge, edge.topics.doNotSell)).toBe(1);
    } finally {
      await browser.close();
    }
  });

  it('a refused post shows nothing claiming the signal was honored, and records nothing', async () => {
    // One page view per IP: the page itself uses it, so the edge refuses the signal's post (429).
    const own = await startEdge({ PAGE_RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_MS: '600000' });
    const browser = await scriptOnlyGpcBrowser();
    try {
      const page = await browser.context.newPage();
      const answered = page.waitForResponse('**/privacy/gpc');
      await page.goto(`${own.url}/privacy/do-not-sell`);
      expect((await answered).status()).toBe(429);
      await page.locator('#gpc-failed').waitFor({ state: 'visible' });
      expect(await page.locator('#gpc-notice').isVisible()).toBe(false);
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the person reads
      expect(await page.locator('main').innerText()).not.toContain('honored');
      expect(await page.locator('#gpc-field').inputValue()).toBe('0');
      expect(await messageCount(own, own.topics.doNotSell)).toBe(0);
    } finally {
      await browser.close();
      await own.close();
    }
  });

  it('the signal endpoint refuses another site (CSRF) and publishes nothing', async () => {
    const { edge } = sys;
    const before = await messageCount(edge, edge.topics.doNotSell);
    const crossSite = await fetch(`${edge.url}/privacy/gpc`, {
      method: 'POST',
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const otherOrigin = await fetch(`${edge.url}/privacy/gpc`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(otherOrigin.status).toBe(403);
    const noOrigin = await fetch(`${edge.url}/privacy/gpc`, { method: 'POST' });
    expect(noOrigin.status).toBe(403);
    expect(await messageCount(edge, edge.topics.doNotSell)).toBe(before);
  });
});
