// Issue 10 item 11: `npm start` loses nothing it accepted when it is killed with SIGKILL between
// the edge's 200 (or the abuse inbox's 250) and the consumer's write. The gap is made deterministic, without sleeps, by the
// operator's maintenance mode (CONSUMERS=off): edge and inbox answer, nothing consumes, so the
// accepted events can only be in the embedded database's bus tables when the process dies. The
// next normal start on the same DATA_DIR must apply them (R-EM-1, R-SMS-1: an opt-out is
// honoured; "nothing accepted is ever lost"). On the old in-process bus the events lived in the
// killed process's memory, so the checks after the restart stay "allowed" and this test fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@sp/testing';
import { afterAll, expect, it } from 'vitest';
import {
  suppress as cli,
  killAll,
  mailArfReport,
  oneClickUnsubscribe,
  startStandalone,
  textsTo,
  twilioWebhook,
} from './npm-start';

const dataDir = mkdtempSync(join(tmpdir(), 'sp-crash-'));
const account = { sid: 'AC00112233445566778899aabbccddeeff', authToken: 'crash-test-twilio-auth-token' };
const API_TOKEN = 'crash-test-api-token-0123456789';
const env = {
  DATA_DIR: dataDir,
  API_TOKEN,
  TWILIO_AUTH_TOKEN: account.authToken,
  TWILIO_ACCOUNT_SID: account.sid,
};
const reader = 'crash.reader@example.com';
const texter = '+14155550199';
const complainer = 'crash.complainer@example.com';

afterAll(async () => {
  await killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const suppress = (api: string, args: string[]) => cli(api, API_TOKEN, args);
const checkEmail = ['check', '--email', reader, '--channel', 'email', '--kind', 'marketing'];
const checkSms = ['check', '--phone', texter, '--channel', 'sms', '--kind', 'marketing'];
const checkComplaint = ['check', '--email', complainer, '--channel', 'email', '--kind', 'marketing'];

it('opt-outs answered 200/250 survive a kill -9 before their consumers ran, and are on the list after the restart', async () => {
  const ports = { edge: await freePort(), api: await freePort(), smtp: await freePort() };
  const maintenance = await startStandalone(ports, { ...env, CONSUMERS: 'off' });
  expect(maintenance.output()).toMatch(/MAINTENANCE MODE/);

  // A one-click unsubscribe as a mailbox provider posts it (RFC 8058), and a STOP as Twilio posts it.
  expect(await oneClickUnsubscribe(maintenance.api, API_TOKEN, reader)).toBe(200);
  const stopText = {
    From: texter,
    To: '+14155550100',
    Body: 'STOP',
    MessageSid: 'SMffeeddccbbaa99887766554433221100',
    AccountSid: account.sid,
  };
  expect(await twilioWebhook(maintenance.edge, account.authToken, stopText)).toBe(200);
  // And a complaint (ARF) forwarded to abuse@, answered 250 by the inbox.
  expect(await mailArfReport(maintenance.smtpPort, complainer)).toMatch(/^250/);

  // All were accepted and none is applied yet: the kill falls between the 200/250 and the write.
  for (const args of [checkEmail, checkSms, checkComplaint]) {
    expect(suppress(maintenance.api, args).code, args.join(' ')).toBe(0);
  }
  await maintenance.kill();

  const restarted = await startStandalone(ports, env);
  expect(restarted.output()).not.toMatch(/MAINTENANCE MODE/);
  for (const args of [checkEmail, checkSms, checkComplaint]) {
    const r = await waitFor(`${args.join(' ')}: not allowed after the restart`, () => {
      const out = suppress(restarted.api, args);
      return out.code === 1 ? out : undefined;
    });
    expect((JSON.parse(r.out) as { allowed: boolean }).allowed).toBe(false);
  }
  const history = suppress(restarted.api, ['history', '--email', reader]);
  expect(history.code).toBe(0);
  expect(history.out).toMatch(/one-click/);

  // The STOP's one confirmation (R-SMS-3) is sent once, after the restart, not lost and not twice.
  const texts = await waitFor('the STOP confirmation at the Twilio stand-in', async () => {
    const mine = await textsTo(restarted.twilio, account, texter);
    return mine.length > 0 ? mine : undefined;
  });
  expect(texts).toHaveLength(1);
  await restarted.stop();
}, 300_000); // two starts of the whole platform on a busy 2-core machine

it('a kill -9 in the middle of a stream of one-click unsubscribes loses none that got a 200', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-crash-stream-'));
  try {
    const ports = { edge: await freePort(), api: await freePort(), smtp: await freePort() };
    const first = await startStandalone(ports, { ...env, DATA_DIR: dir });
    // Every address gets its own link, as each reader of a newsletter does.
    const readers = Array.from({ length: 50 }, (_, i) => `stream.${i}@example.com`);
    const links = await Promise.all(
      readers.map(async (email) => {
        const r = await fetch(`${first.api}/v1/unsubscribe-links`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ email }),
        });
        return ((await r.json()) as { url: string }).url;
      }),
    );

    const accepted: string[] = [];
    let next = 0;
    let killing: Promise<void> | undefined;
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (next < readers.length && !killing) {
          const i = next++;
          const r = await fetch(links[i] as string, {
            method: 'POST',
            body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
          }).catch(() => undefined);
          if (r?.status === 200) accepted.push(readers[i] as string);
          // The kill lands while other requests are in flight and consumers are at work.
          if (accepted.length >= 20) killing ??= first.kill();
        }
      }),
    );
    await killing;
    expect(accepted.length).toBeGreaterThanOrEqual(20);

    const again = await startStandalone(ports, { ...env, DATA_DIR: dir });
    const results = await waitFor('every accepted unsubscribe on the list', async () => {
      const r = await fetch(`${again.api}/v1/check/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          queries: accepted.map((email) => ({ email, channel: 'email', kind: 'marketing' })),
        }),
      });
      const body = (await r.json()) as { results: { allowed: boolean }[] };
      return body.results.every((x) => !x.allowed) ? body.results : undefined;
    });
    expect(results).toHaveLength(accepted.length);
    await again.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
