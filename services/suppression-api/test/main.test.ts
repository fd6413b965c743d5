// The composition root as a real process: migrates on start behind the flag, serves, and on SIGTERM
// closes the server and the pool and exits 0.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freshDatabase, waitFor } from '@sp/testing';
import { describe, expect, it } from 'vitest';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('main.ts', () => {
  it('starts on a fresh database with MIGRATE_ON_START, answers, and stops on SIGTERM', async () => {
    const fresh = await freshDatabase('sp_api_main');
    const token = `tok-${randomBytes(16).toString('hex')}`;
    const child = spawn(process.execPath, [tsxCli, main], {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        OPS_PORT: '0',
        DATABASE_URL: fresh.url,
        MIGRATE_ON_START: 'true',
        API_TOKENS: `${token}:check`,
        SUBJECT_PEPPERS: `p1:${randomBytes(24).toString('base64url')}`,
        TOKEN_KEYS: `t1:${randomBytes(32).toString('base64url')}`,
        PUBLIC_BASE_URL: 'https://shop.example',
        UNSUBSCRIBE_DOMAIN: 'shop.example',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await waitFor(`the API to listen (${err})`, () => {
        const m = /"port":(\d+),"msg":"suppression-api listening"/.exec(out);
        return m ? Number(m[1]) : undefined;
      });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const r = await fetch(`http://127.0.0.1:${port}/v1/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'someone@example.com', channel: 'email', kind: 'marketing' }),
      });
      expect(await r.json()).toMatchObject({ allowed: true });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('"signal":"SIGTERM"');
      expect(out).not.toContain('someone@example.com'); // no address in the logs
    } finally {
      child.kill('SIGKILL');
      await fresh.drop();
    }
  });
});
