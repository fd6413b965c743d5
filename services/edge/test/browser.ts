// Headless Chromium (the machine's) driven by playwright-core, one fresh profile per context.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(
  opts: {
    extraHTTPHeaders?: Record<string, string>;
    javaScriptEnabled?: boolean;
    /** For an accessibility audit only: lets the test inject axe-core past the page's CSP. */
    bypassCSP?: boolean;
  } = {},
): Promise<TestBrowser> {
  const dir = await mkdtemp(join(tmpdir(), 'sp-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    ...(opts.extraHTTPHeaders ? { extraHTTPHeaders: opts.extraHTTPHeaders } : {}),
    ...(opts.javaScriptEnabled === false ? { javaScriptEnabled: false } : {}),
    ...(opts.bypassCSP ? { bypassCSP: true } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
