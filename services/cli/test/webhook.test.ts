import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startTestApi, type TestApi } from '@sp/suppression-api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

function suppress(args: string[]): Promise<CliResult> {
  return runCli(args, api.url, api.tokens.admin);
}

describe('suppress webhook', () => {
  it('registers, lists, shows deliveries, redelivers and disables an endpoint', async () => {
    const add = await suppress([
      'webhook',
      'add',
      'https://crm.shop.example/hooks',
      '--channels',
      'email',
      '--reasons',
      'complaint,hard-bounce',
      '--include-address',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const id = /^(ep_\S+)/m.exec(add.stdout)?.[1];
    expect(id).toBeTruthy();
    expect(add.stdout).toMatch(/channels email; reasons complaint,hard-bounce; with addresses/);
    expect(add.stdout).toMatch(/signing secret \(shown once\): whsec_\S+/);

    const list = await suppress(['webhook', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${id}  active  https://crm.shop.example/hooks`);
    expect(list.stdout).not.toContain('whsec_');

    const json = await suppress(['webhook', 'deliveries', id!, '--status', 'dead', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ deliveries: [], nextBefore: null });

    const again = await suppress(['webhook', 'redeliver', id!]);
    expect(again.stdout.trim()).toBe('0 dead deliveries queued again');

    const off = await suppress(['webhook', 'disable', id!]);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain(`${id}  disabled`);
  });

  it('exits 2 on a usage mistake and 3 when the API refuses', async () => {
    const noUrl = await suppress(['webhook', 'add']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('webhook add needs a URL');
    const bad = await suppress(['webhook', 'add', 'ftp://x.example/in']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/API answered 400: body\.url/);
    const unknown = await suppress(['webhook', 'deliveries', 'ep_nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('API answered 404');
  });
});
