// `suppress proof`, `suppress verify` and `suppress ccpa-metrics` (issue 15) in-process against the
// real API on loopback over a fresh PostgreSQL database: a saved proof verifies, and one changed
// byte makes `verify` exit 1.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startTestApi, type TestApi, uniqueEmail } from '@sp/suppression-api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, run } from '../src/cli';

let api: TestApi;
let dir: string;
beforeAll(async () => {
  api = await startTestApi({ BRAND_NAME: 'InkShop' });
  dir = await mkdtemp(join(tmpdir(), 'sp-cli-proof-'));
});
afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function suppress(args: string[], env: { apiUrl?: string; token?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        write(String(chunk));
        done();
      },
    });
  const code = await run(
    args,
    { apiUrl: env.apiUrl ?? api.url, token: env.token ?? api.tokens.both, actor: 'cli-test' },
    { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) },
  );
  return { code, stdout, stderr };
}

async function flipOneByte(file: string, near: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  const i = text.indexOf(near);
  expect(i).toBeGreaterThan(0);
  const out = join(dir, `changed-${Math.random().toString(36).slice(2)}`);
  await writeFile(out, `${text.slice(0, i)}${text[i] === 'x' ? 'y' : 'x'}${text.slice(i + 1)}`);
  return out;
}

describe('suppress proof and verify', () => {
  it('saves a signed proof (JSON and HTML) that verifies, and fails after one byte is changed', async () => {
    const email = uniqueEmail('proof-cli');
    const add = await suppress([
      'add',
      '--email',
      email,
      '--channel',
      'email',
      '--purpose',
      'marketing',
      '--reason',
      'asked at the till',
    ]);
    expect(add.code, add.stderr).toBe(EXIT.ok);

    const json = join(dir, 'proof.json');
    const p = await suppress(['proof', '--email', email, '--time-zone', 'Europe/Berlin', '--out', json]);
    expect(p.code, p.stderr).toBe(EXIT.ok);
    const doc = JSON.parse(await readFile(json, 'utf8'));
    expect(doc.report.brand).toBe('InkShop');
    expect(doc.report.timeline).toHaveLength(1);
    expect(doc.report.timeline[0]).toMatchObject({
      title: 'Operator action: suppress',
      actor: api.tokenNames.both,
      reason: 'asked at the till',
      evidence: { by: api.tokenNames.both, actorName: 'cli-test' },
    });
    expect(doc.report.timeline[0].atLocal).toContain('Europe/Berlin');

    const ok = await suppress(['verify', json]);
    expect(ok.code, ok.stderr).toBe(EXIT.ok);
    expect(ok.stdout).toContain('verified');
    const bad = await suppress(['verify', await flipOneByte(json, 'asked at the till')]);
    expect(bad.code).toBe(EXIT.no);
    expect(bad.stderr).toContain('NOT verified');

    // With the key saved beforehand (no API needed to verify).
    const key = (await api.call('GET', '/v1/proof-key', { token: null })).body;
    const pem = join(dir, 'proof-key.pem');
    await writeFile(pem, key.publicKeyPem);
    const offline = await suppress(['verify', json, '--public-key', pem], { apiUrl: 'http://127.0.0.1:9' });
    expect(offline.code, offline.stderr).toBe(EXIT.ok);

    const html = join(dir, 'proof.html');
    expect((await suppress(['proof', '--email', email, '--format', 'html', '--out', html])).code).toBe(
      EXIT.ok,
    );
    expect(await readFile(html, 'utf8')).toContain('<h1>InkShop: suppression record</h1>');
    expect((await suppress(['verify', html, '--public-key', pem])).code).toBe(EXIT.ok);
    const changed = await suppress([
      'verify',
      await flipOneByte(html, 'asked at the till'),
      '--public-key',
      pem,
    ]);
    expect(changed.code).toBe(EXIT.no);
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await suppress(['proof'])).code).toBe(EXIT.usage);
    expect((await suppress(['verify'])).code).toBe(EXIT.usage);
    expect((await suppress(['ccpa-metrics'])).code).toBe(EXIT.usage);
  });
});

describe('suppress ccpa-metrics', () => {
  it('prints the year’s opt-out of sale/sharing metrics', async () => {
    const r = await suppress(['ccpa-metrics', '--year', '2026', '--json']);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(JSON.parse(r.stdout)).toMatchObject({
      year: 2026,
      received: 0,
      denied: 0,
      medianDaysToRespond: null,
    });
    const human = await suppress(['ccpa-metrics', '--year', '2026']);
    expect(human.stdout).toContain('Requests to opt out of sale/sharing, 2026 (11 CCR 7102)');
  });
});
