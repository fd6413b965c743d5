// The compiled edge, as the image runs it: `pnpm build` (scripts/build.mjs) bundles the service
// and the workspace packages into dist/, and plain `node dist/main.js` (no tsx, no TypeScript)
// serves the ops endpoints and the public pages, and stops cleanly on SIGTERM.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '@sp/testing';
import { beforeAll, expect, it } from 'vitest';
import { startCompiledEdge } from './compiled-process';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const rootDir = fileURLToPath(new URL('../../..', import.meta.url));

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['scripts/build.mjs', 'edge'], { cwd: rootDir });
});

it('the bundle carries no TypeScript and no tsx', () => {
  const bundle = readFileSync(`${serviceDir}/dist/main.js`, 'utf8');
  expect(bundle).not.toMatch(/from ['"][^'"]+\.ts['"]/);
  expect(bundle).not.toMatch(/['"]tsx['"]/);
  expect(bundle).not.toMatch(/from ['"]@sp\//);
});

it('node dist/main.js answers /healthz, /readyz and a public page, and exits 0 on SIGTERM', async () => {
  const { port, opsPort, child, stderr, exited } = await startCompiledEdge(serviceDir);
  try {
    const ops = `http://127.0.0.1:${opsPort}`;
    await waitFor('the compiled edge to answer /readyz', async () => {
      if (child.exitCode !== null) throw new Error(`edge exited ${child.exitCode}: ${stderr()}`);
      return (await fetch(`${ops}/readyz`).catch(() => null))?.status === 200;
    });
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    const page = await fetch(`http://127.0.0.1:${port}/privacy/do-not-sell`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Do Not Sell/i);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(stderr()).toBe('');
});
