// Issue 19, the opt-out box: a person on the brand's own site (another origin) types their address
// into the embedded snippet, submits by keyboard and sees the edge's confirmation page; the real
// optout-consumer writes the real list, which then blocks all marketing email to the address and
// still allows an order confirmation. The same with JavaScript off: the snippet is a plain form.
import { createServer } from 'node:http';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { check, history } from '@sp/suppression';
import { freePort, uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, openBrowser } from './browser';
import { type EdgeOnList, startEdgeOnList, uniqueEmail } from './helpers';

let sys: EdgeOnList;
let brandSite: { url: string; close(): Promise<void> };

/** The brand's privacy-policy page with the snippet, as copied from the edge, at its bottom. */
async function startBrandSite(snippet: string) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ink Corner privacy policy</title></head>
<body><main><h1>Privacy policy</h1><p>You may also opt-out by utilizing the "opt out" functionality at the bottom of this page.</p></main>
<footer>${snippet}</footer></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  // "localhost", the edge is "127.0.0.1" on another port: the post is cross-origin.
  return {
    url: `http://localhost:${port}/privacy`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

beforeAll(async () => {
  const port = await freePort();
  sys = await startEdgeOnList(
    'edge-optout-box',
    (r) => startOptoutConsumer(r, { groupId: uniqueName('optout-box') }),
    { PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
  );
  const res = await fetch(`${sys.edge.url}/privacy/opt-out/snippet`);
  expect(res.status).toBe(200);
  brandSite = await startBrandSite(await res.text());
});
afterAll(async () => {
  await brandSite?.close();
  await sys?.close();
});

async function optOutByKeyboard(javaScriptEnabled: boolean, email: string) {
  const browser = await openBrowser({ javaScriptEnabled });
  try {
    const page = await browser.context.newPage();
    await page.goto(brandSite.url);
    // Keyboard only: the first Tab reaches the box's field (its label names what it does).
    await page.keyboard.press('Tab');
    const field = page.getByLabel('Opt out of all marketing email from Ink Corner: your email address');
    expect(await page.locator('#sp-optout-email:focus').count()).toBe(1);
    expect(await field.count()).toBe(1);
    await page.keyboard.type(email);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'You are opted out' }).waitFor();
    expect(new URL(page.url()).origin).toBe(new URL(sys.edge.url).origin);
    expect(await page.getByRole('status').textContent()).toBe(
      `We will send no more marketing email to ${email}.`,
    );
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the person reads
    expect(await page.locator('main').innerText()).toContain(
      'Emails about your orders and your account (order confirmations, shipping updates, password resets) will still arrive.',
    );
  } finally {
    await browser.close();
  }
}

async function expectOptedOutOfMarketingOnly(email: string) {
  const subject = { type: 'email' as const, value: email };
  const marketing = await waitFor('the opt-out on the list', async () => {
    const r = await check(sys.list, { subject, channel: 'email', kind: 'marketing' });
    return r.allowed ? undefined : r;
  });
  expect(marketing.reasons).toContainEqual(
    expect.objectContaining({ reason: 'email-optout', channel: 'email', purpose: 'marketing', topic: '*' }),
  );
  // Any newsletter topic, not only one: "all marketing email at once".
  expect(
    (await check(sys.list, { subject, channel: 'email', kind: 'marketing', topic: 'Printer tips' })).allowed,
  ).toBe(false);
  // The order confirmation (a transactional template) still goes out.
  expect((await check(sys.list, { subject, channel: 'email', kind: 'transactional' })).allowed).toBe(true);
  const trail = await history(sys.list, subject);
  expect(trail).toHaveLength(1);
  const entry = trail[0]!;
  expect(entry.type).toBe('consent.email-optout.v1');
  expect(entry.payload).toMatchObject({
    data: { method: 'web-form', topic: '*' },
    evidence: { channel: 'opt-out-box', origin: new URL(brandSite.url).origin },
  });
  // The ledger holds keys, never the readable address.
  expect(JSON.stringify(entry.payload)).not.toContain(email);
}

describe('the opt-out box embedded in the brand site, in Chromium', () => {
  it('issue 19: typed address, keyboard submit, confirmation page; marketing blocked, order confirmation allowed', async () => {
    const email = uniqueEmail('optout-box-js');
    await optOutByKeyboard(true, email);
    await expectOptedOutOfMarketingOnly(email);
  });

  it('issue 19: the same with JavaScript disabled', async () => {
    const email = uniqueEmail('optout-box-nojs');
    await optOutByKeyboard(false, email);
    await expectOptedOutOfMarketingOnly(email);
  });
});

describe('the opt-out page on the edge', () => {
  it('labels its one field, says order and account emails still arrive, and refuses what is not an address with a 400 page', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${sys.edge.url}/privacy/opt-out`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Opt out of marketing email');
      expect(await page.getByRole('textbox').count()).toBe(1);
      expect(await page.getByLabel('Email address').getAttribute('type')).toBe('email');
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the person reads
      expect(await page.locator('main').innerText()).toContain(
        'Emails about your orders and your account will still reach you.',
      );
    } finally {
      await browser.close();
    }
    const bad = await fetch(`${sys.edge.url}/privacy/opt-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'not an address' }).toString(),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('This email address does not look right.');
    const empty = await fetch(`${sys.edge.url}/privacy/opt-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=',
    });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Please enter your email address.');
  });
});

describe('accessibility of the opt-out box (axe-core in Chromium)', () => {
  it('issue 19: the edge page, the embedded snippet and the confirmation page have no WCAG A/AA violations', async () => {
    const browser = await openBrowser({ bypassCSP: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${sys.edge.url}/privacy/opt-out`);
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(brandSite.url);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('textbox').fill(uniqueEmail('optout-box-axe'));
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'You are opted out' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
