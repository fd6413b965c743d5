// Issue 16 in `npm start` (embedded database and bus): a partner registered through the API gets
// an opt-out in its file, and mail sent over SMTP to one partner's seed address flags that partner
// and no other (the embedded abuse inbox accepts the seed domain, a seed-hit consumer runs).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@sp/testing';
import { createTransport } from 'nodemailer';
import { afterAll, expect, it } from 'vitest';
import { killAll, oneClickUnsubscribe, type Standalone, startStandalone } from './npm-start';

const dataDir = mkdtempSync(join(tmpdir(), 'sp-standalone-partners-'));
const API_TOKEN = 'partners-api-token-0123456789ab';
let running: Standalone | undefined;

afterAll(async () => {
  await running?.stop();
  await killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const md5 = (s: string) => createHash('md5').update(s.trim().toLowerCase()).digest('hex');

async function api(path: string, token: string, init: { method?: string; json?: unknown } = {}) {
  const res = await fetch(`${running!.api}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  return { status: res.status, text: await res.text() };
}

async function newPartner(name: string) {
  const r = await api('/v1/partners', API_TOKEN, {
    method: 'POST',
    json: { name, contact: `ops@${name}.example`, hashFormat: 'md5', seeds: 2 },
  });
  expect(r.status).toBe(201);
  return JSON.parse(r.text) as { partner: { id: string }; token: string; seeds: string[] };
}

it('R-EM-1 / issue 16: an opt-out reaches a partner file, and mail to a seed flags only the partner it belongs to', async () => {
  const ports = { edge: await freePort(), api: await freePort(), smtp: await freePort() };
  running = await startStandalone(ports, {
    DATA_DIR: dataDir,
    API_TOKEN,
    TWILIO_AUTH_TOKEN: 'partners-twilio-auth-token',
    TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  });
  const a = await newPartner('affiliate-a');
  const b = await newPartner('affiliate-b');

  // An opt-out from outside (one-click), then partner A's file holds its hash, and A's own seeds.
  const reader = 'partner.reader@example.com';
  expect(await oneClickUnsubscribe(running.api, API_TOKEN, reader)).toBe(200);
  const lines = await waitFor('the opt-out in partner A file', async () => {
    const f = await api('/v1/partner/suppression-file', a.token);
    const set = new Set(f.text.split('\n').filter(Boolean));
    return f.status === 200 && set.has(md5(reader)) ? set : undefined;
  });
  for (const seed of a.seeds) expect(lines.has(md5(seed))).toBe(true);
  for (const seed of b.seeds) expect(lines.has(md5(seed))).toBe(false);

  // Someone mails the list partner A downloaded: the seed's mail arrives at our SMTP.
  const mailer = createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, ignoreTLS: true });
  try {
    const info = await mailer.sendMail({
      envelope: { from: 'blast@list-buyer.example', to: [a.seeds[0]!] },
      raw: [
        'From: Deals <blast@list-buyer.example>',
        `To: ${a.seeds[0]}`,
        'Subject: Limited offer',
        'Message-ID: <blast-1@list-buyer.example>',
        '',
        'Buy now.',
        '',
      ].join('\r\n'),
    });
    expect(info.response).toMatch(/^250/);
  } finally {
    mailer.close();
  }

  type Listed = { id: string; flaggedAt: string | null };
  const partners = await waitFor('partner A flagged', async () => {
    const r = await api('/v1/partners', API_TOKEN);
    const all = (JSON.parse(r.text) as { partners: Listed[] }).partners;
    return all.find((p) => p.id === a.partner.id)?.flaggedAt ? all : undefined;
  });
  expect(partners.find((p) => p.id === b.partner.id)?.flaggedAt).toBeNull();
}, 300_000); // a start of the whole platform on a busy 2-core machine
