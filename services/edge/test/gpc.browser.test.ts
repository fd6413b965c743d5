// R-DNS-2: a browser sending Sec-GPC: 1 is opted out on arrival, asked nothing, and told so.
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
