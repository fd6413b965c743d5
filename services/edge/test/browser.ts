// Headless Chromium (the machine's) driven by playwright-core, one fresh profile per context.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

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

/**
 * One Chromium for a whole test file (issue 13: few launches on a loaded machine); each journey
 * takes a fresh context of it (its own cookies, viewport, JavaScript switch, language).
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
}

/** axe-core's violations on the page as it is now (WCAG 2.1 A/AA rules), by rule id and target. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(o: object): Promise<AxeResult> } }).axe;
    return axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
interface AxeResult {
  violations: { id: string; nodes: { target: string[] }[] }[];
}

export type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
