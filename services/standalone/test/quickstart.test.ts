// Issue 7 acceptance: the README's start command on a fresh data dir, driven only from outside
// like a user — a one-click unsubscribe, a signed Twilio STOP, the Do-Not-Sell form and an ARF
// report over SMTP — then the CLI shows all four suppressed with their reasons, before and
// after a restart.
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
  type Ports,
  type Standalone,
  startStandalone,
  textsTo,
  twilioWebhook,
} from './npm-start';

const dataDir = mkdtempSync(join(tmpdir(), 'sp-standalone-'));
const TWILIO_AUTH_TOKEN = 'quickstart-twilio-auth-token';
const API_TOKEN = 'quickstart-api-token-0123456789';
const TWILIO_ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
let running: Standalone | undefined;

afterAll(async () => {
  await stop();
  await killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(ports: Ports): Promise<Standalone> {
  // `npm start` as the README says, in its own process group so Ctrl-C (SIGINT) reaches it all.
  running = await startStandalone(ports, {
    DATA_DIR: dataDir,
    API_TOKEN,
    TWILIO_AUTH_TOKEN,
    TWILIO_ACCOUNT_SID,
  });
  return running;
}

async function stop(): Promise<void> {
  const r = running;
  running = undefined;
  await r?.stop();
}

const suppress = (api: string, args: string[]) => cli(api, API_TOKEN, args);

const subjects = {
  oneClick: 'oneclick.reader@example.com',
  dnsForm: 'dns.visitor@example.com',
  arf: 'complainer@example.com',
  sms: '+14155550142',
};

/** Every subject suppressed, each with the reason its input implies. */
async function expectAllSuppressed(api: string) {
  const cases = [
    {
      args: ['check', '--email', subjects.oneClick, '--channel', 'email', '--kind', 'marketing'],
      reason: /optout/,
    },
    {
      args: ['check', '--email', subjects.dnsForm, '--channel', 'email', '--kind', 'sale_share'],
      reason: /sell|sale/,
    },
    {
      args: ['check', '--email', subjects.dnsForm, '--channel', 'email', '--kind', 'marketing'],
      reason: /sell|sale/,
    },
    {
      args: ['check', '--email', subjects.arf, '--channel', 'email', '--kind', 'marketing'],
      reason: /complaint/,
    },
    {
      args: ['check', '--phone', subjects.sms, '--channel', 'sms', '--kind', 'marketing'],
      reason: /sms|stop/,
    },
  ];
  for (const c of cases) {
    const r = await waitFor(`${c.args.join(' ')} not allowed`, () => {
      const out = suppress(api, c.args);
      return out.code === 1 ? out : undefined;
    });
    const answer = JSON.parse(r.out) as { allowed: boolean; reasons: { reason: string }[] };
    expect(answer.allowed).toBe(false);
    expect(answer.reasons.map((x) => x.reason).join(' ')).toMatch(c.reason);
  }
}

it('starts with npm start, takes all four kinds of opt-out from outside, and keeps them across a restart', async () => {
  const ports = { edge: await freePort(), api: await freePort(), smtp: await freePort() };
  const sys = await start(ports);

  // 1. One-click unsubscribe, as a mail client does it with the link a newsletter carries.
  expect(await oneClickUnsubscribe(sys.api, API_TOKEN, subjects.oneClick)).toBe(200);

  // 2. A STOP texted to the brand, as Twilio posts it, signed with the account's auth token.
  const stopText = {
    From: subjects.sms,
    To: '+14155550100',
    Body: 'STOP',
    MessageSid: 'SM0123456789abcdef0123456789abcdef',
  };
  expect(await twilioWebhook(sys.edge, TWILIO_AUTH_TOKEN, stopText)).toBe(200);

  // 3. The Do-Not-Sell form.
  const dns = await fetch(`${sys.edge}/privacy/do-not-sell`, {
    method: 'POST',
    body: new URLSearchParams({ email: subjects.dnsForm }),
  });
  expect(dns.status).toBe(200);
  expect(await dns.text()).toMatch(/received|recorded|done|opted/i);

  // 4. An ARF report forwarded by the abuse@ mailbox, over SMTP.
  expect(await mailArfReport(sys.smtpPort, subjects.arf)).toMatch(/^250/);

  await expectAllSuppressed(sys.api);

  // The STOP got exactly its one confirmation text (R-SMS-3), through the in-process sms-sender.
  const texts = await waitFor('the opt-out confirmation at the Twilio stand-in', async () => {
    const mine = await textsTo(
      sys.twilio,
      { sid: TWILIO_ACCOUNT_SID, authToken: TWILIO_AUTH_TOKEN },
      subjects.sms,
    );
    return mine.length > 0 ? mine : undefined;
  });
  expect(texts).toHaveLength(1);
  expect(texts[0]?.body).toMatch(/unsubscribed|opted out|no more/i);

  // Issue 13: the first start registered the demo's topics; an operator's archival survives a restart.
  const ids = (api: string) =>
    (
      JSON.parse(suppress(api, ['topic', 'list', '--all']).out) as {
        topics: { id: string; archived: boolean }[];
      }
    ).topics.map((t) => `${t.id}${t.archived ? ' (archived)' : ''}`);
  expect(ids(sys.api)).toEqual(['deals', 'product-news', 'weekly-digest']);
  expect(suppress(sys.api, ['topic', 'archive', 'product-news']).code).toBe(0);

  await stop();
  const again = await start(ports);
  await expectAllSuppressed(again.api);
  expect(ids(again.api)).toEqual(['deals', 'product-news (archived)', 'weekly-digest']);
  const history = suppress(again.api, ['history', '--email', subjects.oneClick]);
  expect(history.code).toBe(0);
  expect(history.out).toMatch(/one-click/);
}, 300_000); // two starts of the whole platform on a busy 2-core machine
