// Issue 14 in `npm start` (embedded PGlite and table bus), driven from outside: a webhook
// endpoint registered with the CLI gets a signed event for a one-click unsubscribe (verified with
// the `standardwebhooks` library), and with PROVIDER_SYNC=ses the address appears in the SES
// stand-in's account suppression list, read with the SDK over its HTTP API.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSuppressedDestinationCommand, NotFoundException, SESv2Client } from '@aws-sdk/client-sesv2';
import { freePort, waitFor } from '@sp/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, expect, it } from 'vitest';
import { suppress as cli, killAll, oneClickUnsubscribe, type Standalone, startStandalone } from './npm-start';

const dataDir = mkdtempSync(join(tmpdir(), 'sp-standalone-hooks-'));
const API_TOKEN = 'webhooks-api-token-0123456789';
let running: Standalone | undefined;
const received: { headers: Record<string, string>; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    received.push({ headers: req.headers as Record<string, string>, body });
    res.writeHead(204).end();
  });
});

afterAll(async () => {
  await running?.stop();
  await killAll();
  receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('sends a signed webhook for a one-click unsubscribe and mirrors it into the SES stand-in', async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
  running = await startStandalone(
    { edge: await freePort(), api: await freePort(), smtp: await freePort() },
    { DATA_DIR: dataDir, API_TOKEN, PROVIDER_SYNC: 'ses' },
  );
  const ses = /SES stand-in\s+(\S+)/.exec(running.output())?.[1] ?? '';
  expect(ses).toMatch(/^http:/);

  const add = cli(running.api, API_TOKEN, ['webhook', 'add', hookUrl, '--include-address']);
  expect(add.code, add.err).toBe(0);
  const { secret } = JSON.parse(add.out) as { secret: string };

  const email = 'hooked.reader@example.com';
  expect(await oneClickUnsubscribe(running.api, API_TOKEN, email)).toBeLessThan(300);

  const event = await waitFor('the webhook', () => received[0], { timeoutMs: 120_000 });
  expect(new Webhook(secret).verify(event.body, event.headers)).toMatchObject({
    type: 'suppression.created',
    data: { channel: 'email', purpose: 'marketing', topic: '*', address: email },
  });

  const client = new SESv2Client({
    endpoint: ses,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const reason = await waitFor('the address in the SES stand-in', async () => {
    try {
      const out = await client.send(new GetSuppressedDestinationCommand({ EmailAddress: email }));
      return out.SuppressedDestination?.Reason;
    } catch (err) {
      if (err instanceof NotFoundException) return undefined;
      throw err;
    }
  });
  expect(reason).toBe('COMPLAINT');

  const deliveries = cli(running.api, API_TOKEN, [
    'webhook',
    'deliveries',
    (JSON.parse(add.out) as { endpoint: { id: string } }).endpoint.id,
  ]);
  expect(JSON.parse(deliveries.out).deliveries[0]).toMatchObject({
    status: 'delivered',
    attempts: [expect.objectContaining({ httpStatus: 204 })],
  });
});
