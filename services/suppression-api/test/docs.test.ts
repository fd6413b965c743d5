// Issue 14: the API reference at /docs, rendered by a real Chromium from this API alone (Redoc's
// bundle comes from the redoc npm package through /docs/redoc.standalone.js; no CDN is reached).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

it('serves the page and its script without a token, documented like every other answer', async () => {
  const page = await api.call('GET', '/docs', { token: null });
  expect(page.status).toBe(200);
  expect(page.contentType).toBe('text/html');
  expect(page.text).toContain('spec-url="/openapi.json"');
  expect(page.text).toMatch(/<script src="\/docs\/redoc\.standalone\.js">/);
  const script = await api.call('GET', '/docs/redoc.standalone.js', { token: null });
  expect(script.status).toBe(200);
  expect(script.contentType).toBe('application/javascript');
  expect(script.text.length).toBeGreaterThan(100_000);
  expect((await api.call('GET', '/docs?x=1', { token: null })).status).toBe(400);
});

it('renders the operations in Chromium from this API alone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sp-docs-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  const elsewhere: string[] = [];
  try {
    // Anything not from the API's own origin is refused and recorded.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(api.url) || url.startsWith('blob:') || url.startsWith('data:'))
        return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(`${api.url}/docs`);
    // Operation headings of the rendered reference (the sidebar holds the same words, hidden).
    const heading = (text: string) => page.locator('h2').filter({ hasText: text }).first();
    await heading('Send one email through the list').waitFor({ timeout: 60_000 });
    await heading('Lift a suppression in one scope').waitFor();
    await page.screenshot({ path: join(dir, 'docs.png') });
    expect(elsewhere).toEqual([]);
  } finally {
    await context.close();
    if (process.env.KEEP_DOCS_SCREENSHOT)
      await import('node:fs/promises').then((f) =>
        f.copyFile(join(dir, 'docs.png'), process.env.KEEP_DOCS_SCREENSHOT!),
      );
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
