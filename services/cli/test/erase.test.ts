import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startTestApi, type TestApi, uniqueEmail } from '@sp/suppression-api/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliResult, runCli } from './run-cli';

const _tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const _main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

function suppress(args: string[], token: string): Promise<CliResult> {
  return runCli(args, api.url, token);
}

it('erase drops the readable copy, records the request in the history without the address, and the person stays suppressed', async () => {
  const email = uniqueEmail('erase');
  const add = await suppress(
    ['add', '--email', email, '--channel', 'email', '--purpose', 'marketing', '--reason', 'asked by letter'],
    api.tokens.both,
  );
  expect(add.code, add.stderr).toBe(0);
  const listed = await api.call('GET', '/v1/entries?limit=500');
  expect(listed.text).toContain(email.toLowerCase());

  // A token without the admin scope may not erase.
  const refused = await suppress(['erase', '--email', email], api.tokens.check);
  expect(refused.code).toBe(3);

  const erased = await suppress(
    [
      'erase',
      '--email',
      email,
      '--request-id',
      'CCPA-2026-0042',
      '--reason',
      'CCPA deletion request',
      '--json',
    ],
    api.tokens.both,
  );
  expect(erased.code, erased.stderr).toBe(0);
  const r = JSON.parse(erased.stdout) as {
    requestId: string;
    subjectKey: string;
    vaultCopiesDeleted: number;
  };
  expect(r).toMatchObject({ requestId: 'CCPA-2026-0042', vaultCopiesDeleted: 1, recorded: true });

  const after = await api.call('GET', '/v1/entries?limit=500');
  expect(after.text).toContain(r.subjectKey);
  expect(after.text).not.toContain(email.toLowerCase());
  const history = await suppress(['history', '--email', email, '--json'], api.tokens.both);
  expect(history.stdout).not.toContain(email.toLowerCase());
  const h = JSON.parse(history.stdout) as {
    entries: Array<{ type: string; payload: { data: Record<string, unknown> } }>;
  };
  expect(h.entries.map((e) => e.type)).toEqual(['suppression.admin.v1', 'privacy.erasure.v1']);
  expect(h.entries[1]!.payload.data).toMatchObject({
    requestId: 'CCPA-2026-0042',
    reason: 'CCPA deletion request',
  });

  const check = await api.call('POST', '/v1/check', { json: { email, channel: 'email', kind: 'marketing' } });
  expect(check.body.allowed).toBe(false);

  // The same request again is recorded once.
  const again = await suppress(
    ['erase', '--email', email, '--request-id', 'CCPA-2026-0042', '--json'],
    api.tokens.both,
  );
  expect(JSON.parse(again.stdout)).toMatchObject({ recorded: false, vaultCopiesDeleted: 0 });
});
