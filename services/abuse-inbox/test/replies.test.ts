// Issue 19: the brand's policy says "email us" or reply "unsubscribe" stops marketing. Over real
// SMTP into the inbox, real Kafka and the real opt-out consumer writing a PostgreSQL list of the
// test's own: an authenticated request opts the sender out (method `reply` or `support`), anything
// else is held for an operator, sealed (R-PR-1), and listed by `pnpm held`. DMARC is evaluated by
// mailauth against a DNS of the test's own (test/mail-auth.ts), never the real one.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asksToBeRemoved } from '../src/request';
import { events, uniqueEmail } from './helpers';
import { dkimSigned, type TestDomain, testDns } from './mail-auth';
import { type Pipeline, startPipeline } from './pipeline';

const run = promisify(execFile);
const PACKAGE_DIR = join(import.meta.dirname, '..');
const SUPPORT = 'info@ink.example';
const REPLY = 'news-reply@ink.example';

type OptOut = { email: string; topic?: string; method: string; campaignId?: string };

/** A person's address at one of the test's domains. */
function personAt(d: TestDomain, tag: string): string {
  return uniqueEmail(tag).replace('@example.com', `@${d.domain}`);
}

/** A plain-text mail from a person, with optional extra header lines. */
function mailFrom(o: {
  from: string;
  to: string;
  subject: string;
  body: string;
  headers?: string[];
}): string {
  return [
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${o.subject}`,
    'Date: Wed, 25 Nov 2026 10:00:00 +0100',
    `Message-ID: <${Math.random().toString(36).slice(2)}@mail.test>`,
    ...(o.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.body,
    '',
  ].join('\r\n');
}

/**
 * Our newsletter as a mail client quotes it under a reply: the Gmail web client's shape
 * ("On <date> <name> wrote:" then "> " lines), its footer with our own unsubscribe words.
 */
function quotedNewsletter(unsubscribeUrl = 'https://ink.example/preferences'): string {
  return [
    'On Mon, Nov 23, 2026 at 9:00 AM Ink Cartridges <news@ink.example> wrote:',
    '> Black Friday week: 30% off every toner.',
    '> Shop now at https://ink.example/sale',
    '>',
    `> You receive this because you subscribed. Unsubscribe: ${unsubscribeUrl}`,
  ].join('\r\n');
}

let p: Pipeline;
const dns = testDns();
let customer: TestDomain;
let bulk: TestDomain;

beforeAll(async () => {
  customer = dns.addDomain('customer.example');
  // Signs validly, but for its own domain: DKIM passes, DMARC alignment with customer.example fails.
  bulk = dns.addDomain('bulk-relay.example');
  p = await startPipeline(
    'abuse-replies',
    { SUPPORT_ADDRESSES: SUPPORT, REPLY_ADDRESSES: REPLY, TRUSTED_AUTHSERV_IDS: 'mx.ink.example' },
    { resolver: dns.resolver },
  );
});
afterAll(async () => {
  await p?.close();
});

/**
 * The opt-outs for these addresses, once the topic holds `before + n` events (partitions give no
 * order across them, so the new ones are found by address, not by position).
 */
async function optoutsOf(before: number, emails: string[]) {
  const all = await events<OptOut>(p.inbox.brokers, p.topicOf('optout'), before + emails.length);
  const byEmail = new Map(all.map((e) => [e.event.data.email, e.event] as const));
  return emails.map((e) => {
    const found = byEmail.get(e);
    if (!found) throw new Error(`no opt-out for ${e}`);
    return found;
  });
}

async function heldNow() {
  return p.inbox.deps.held.list();
}

describe('issue 19: replies and mail to support over SMTP', () => {
  it('an authenticated reply "Unsubscribe" to a newsletter opts the sender out of all marketing (method reply)', async () => {
    const person = personAt(customer, 'reply');
    const raw = await dkimSigned(
      mailFrom({
        from: `Dana <${person}>`,
        to: REPLY,
        subject: 'Re: Black Friday week: 30% off every toner',
        body: `Unsubscribe\r\n\r\n${quotedNewsletter()}`,
      }),
      customer,
    );
    const before = await p.published('optout');
    const r = await p.inbox.send(raw, [REPLY], person);
    expect(r.response).toMatch(/^250 .*Accepted$/);

    const [got] = await optoutsOf(before, [person]);
    expect(got!.data).toEqual({ email: person, topic: '*', method: 'reply' });
    expect(got!.evidence).toMatchObject({ via: 'reply', authenticatedBy: 'dmarc' });
    await p.caughtUp();
    expect(await p.blocked(person, 'toner-deals')).toEqual({
      marketing: true,
      transactional: false,
      topic: true,
    });
    // Our own evaluation asked the test's DNS for the key and the policy.
    expect(dns.asked).toContain('TXT test2026._domainkey.customer.example');
    expect(dns.asked).toContain('TXT _dmarc.customer.example');
  });

  it('a reply quoting our sealed link, or carrying our CFBL-Feedback-ID, is attributed by it, whatever the From says', async () => {
    const subscriber = uniqueEmail('token-reply');
    const token = p.inbox.sealer.seal({ email: subscriber, campaignId: 'bf-2026' });
    // Forwarded by a family member's unauthenticated address, the quoted footer carries our link.
    const raw = mailFrom({
      from: 'someone-else@unsigned.example',
      to: REPLY,
      subject: 'Re: Black Friday week: 30% off every toner',
      body: `Please unsubscribe my mother from this.\r\n\r\n${quotedNewsletter(`https://ink.example/u/${token}`)}`,
    });
    // A mail that kept our RFC 9477 CFBL-Feedback-ID header (forwarded with the original's headers).
    const viaCfbl = uniqueEmail('cfbl-reply');
    const cfblMail = mailFrom({
      from: 'helpdesk@unsigned.example',
      to: REPLY,
      subject: 'unsubscribe',
      body: 'as above',
      headers: [`CFBL-Feedback-ID: ${p.inbox.sealer.seal({ email: viaCfbl })}`],
    });
    const before = await p.published('optout');
    expect((await p.inbox.send(raw, [REPLY])).response).toMatch(/^250 .*Accepted$/);
    expect((await p.inbox.send(cfblMail, [REPLY])).response).toMatch(/^250 .*Accepted$/);
    const [got, got2] = await optoutsOf(before, [subscriber, viaCfbl]);
    expect(got!.data).toEqual({ email: subscriber, topic: '*', method: 'reply', campaignId: 'bf-2026' });
    expect(got!.evidence).toMatchObject({ attributedBy: 'recipient-token' });
    expect(got2!.data).toEqual({ email: viaCfbl, topic: '*', method: 'reply' });
    expect(got2!.evidence).toMatchObject({ attributedBy: 'cfbl-feedback-id' });
    await p.caughtUp();
    expect((await p.blocked(subscriber)).marketing).toBe(true);
    expect((await p.blocked(viaCfbl)).marketing).toBe(true);
    expect((await p.blocked('someone-else@unsigned.example')).marketing).toBe(false);
  });

  it('a mail to support "please remove me from your mailing list" from an aligned sender opts out (method support)', async () => {
    const byDmarc = personAt(customer, 'support');
    const byTrustedMta = uniqueEmail('support-ar');
    const signed = await dkimSigned(
      mailFrom({
        from: byDmarc,
        to: SUPPORT,
        subject: 'Mailing list',
        body: 'Hello,\r\nplease remove me from your mailing list.\r\nThanks, Sam',
      }),
      customer,
    );
    // The receiving MTA we trust already evaluated DMARC for example.com and said so (RFC 8601).
    const viaMx = mailFrom({
      from: byTrustedMta,
      to: SUPPORT,
      subject: 'Mailing list',
      body: 'Hello,\r\nplease remove me from your mailing list.\r\nThanks, Alex',
      headers: [
        'Authentication-Results: mx.ink.example;',
        '\tdkim=pass header.d=example.com header.s=s1;',
        '\tspf=pass smtp.mailfrom=example.com;',
        '\tdmarc=pass (p=REJECT) header.from=example.com',
      ],
    });
    const before = await p.published('optout');
    expect((await p.inbox.send(signed, [SUPPORT], byDmarc)).response).toMatch(/^250 .*Accepted$/);
    expect((await p.inbox.send(viaMx, [SUPPORT])).response).toMatch(/^250 .*Accepted$/);
    const got = await optoutsOf(before, [byDmarc, byTrustedMta]);
    expect(got.map((g) => g.data)).toEqual([
      { email: byDmarc, topic: '*', method: 'support' },
      { email: byTrustedMta, topic: '*', method: 'support' },
    ]);
    expect(got.map((g) => g.evidence?.authenticatedBy)).toEqual(['dmarc', 'authentication-results']);
    await p.caughtUp();
    expect(await p.blocked(byDmarc)).toEqual({ marketing: true, transactional: false });
    expect(await p.blocked(byTrustedMta)).toEqual({ marketing: true, transactional: false });
  });

  it('the same text with failing DMARC alignment is held for an operator, sealed, and listed by `pnpm held`', async () => {
    const person = personAt(customer, 'unaligned');
    const forgedAr = uniqueEmail('forged-ar');
    const body = 'Hello,\r\nplease remove me from your mailing list.\r\nThanks';
    // Signed by a relay for its own domain: DKIM passes, but not for the From's domain.
    const unaligned = await dkimSigned(
      mailFrom({ from: person, to: SUPPORT, subject: 'Mailing list', body }),
      bulk,
    );
    // Authentication-Results from a host we do not trust say nothing.
    const untrusted = mailFrom({
      from: forgedAr,
      to: SUPPORT,
      subject: 'Mailing list',
      body,
      headers: ['Authentication-Results: mx.attacker.example; dmarc=pass header.from=example.com'],
    });
    const heldBefore = (await heldNow()).length;
    const before = await p.published('optout');
    const r1 = await p.inbox.send(unaligned, [SUPPORT], person);
    const r2 = await p.inbox.send(untrusted, [SUPPORT]);
    // Accepted (never bounced back, never dropped), for review.
    expect(r1.response).toMatch(/^250 .*Accepted for review$/);
    expect(r2.response).toMatch(/^250 .*Accepted for review$/);

    const held = (await heldNow()).slice(heldBefore);
    expect(held.map((h) => [h.reason, h.mailbox])).toEqual([
      ['sender-not-authenticated', 'support'],
      ['sender-not-authenticated', 'support'],
    ]);
    expect(await p.published('optout')).toBe(before);
    expect((await p.blocked(person)).marketing).toBe(false);
    expect((await p.blocked(forgedAr)).marketing).toBe(false);

    // R-PR-1: nothing at rest names the person.
    const dir = p.inbox.config.heldDir;
    for (const name of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, name), 'utf8');
      expect(bytes).not.toContain(person);
      expect(bytes).not.toContain('remove me');
    }

    // The operator's command: id, time and reason, no address; the mail only when asked.
    const env = { ...process.env, ...p.inbox.env };
    const list = await run('pnpm', ['run', '--silent', 'held'], { cwd: PACKAGE_DIR, env });
    for (const h of held)
      expect(list.stdout).toContain(`${h.id}\t${h.receivedAt}\tsender-not-authenticated\tsupport`);
    expect(list.stdout).not.toContain(person);
    expect(list.stdout).toMatch(/\d+ held mail\(s\)/);
    const opened = await run('pnpm', ['run', '--silent', 'held', 'open', held[0]!.id], {
      cwd: PACKAGE_DIR,
      env,
    });
    expect(opened.stdout).toContain(`From: ${person}`);
    expect(opened.stdout).toContain('please remove me from your mailing list');
  });

  it('a question about an order changes nothing and is held as not-a-request', async () => {
    const person = personAt(customer, 'order');
    const raw = await dkimSigned(
      mailFrom({
        from: person,
        to: SUPPORT,
        subject: 'Order 10442 not arrived',
        // Our newsletter's footer quoted below does not make it a request.
        body: `Hi, where is my order 10442? It was due on Monday.\r\n\r\n${quotedNewsletter()}`,
      }),
      customer,
    );
    const heldBefore = (await heldNow()).length;
    const before = await p.published('optout');
    expect((await p.inbox.send(raw, [SUPPORT], person)).response).toMatch(/^250 .*Accepted for review$/);
    // Held before the 250 was answered.
    const held = (await heldNow()).slice(heldBefore);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ reason: 'not-a-request', mailbox: 'support' });
    expect(await p.published('optout')).toBe(before);
    await p.caughtUp();
    expect(await p.blocked(person)).toEqual({ marketing: false, transactional: false });
    expect(await p.deadLettered()).toBe(0);
  });
});

describe('what counts as asking to be removed', () => {
  it.each([
    ['Unsubscribe', ''],
    ['Re: Black Friday', 'UNSUBSCRIBE'],
    ['', 'Please take me off your list'],
    ['Re: news', 'Stop'],
    ['', 'Opt-out please'],
    ['Re: Soldes', 'Merci de me désabonner de votre newsletter.'],
    ['Désinscription', ''],
    ['', 'Retirez-moi de votre liste, svp.'],
    ['RE: Ofertas', 'Quiero darme de baja.'],
    ['', 'Por favor cancelar mi suscripción'],
    ['', 'Eliminarme de la lista'],
  ])('asks: subject %j, body %j', (subject, body) => {
    expect(asksToBeRemoved(subject, body)).toBe(true);
  });

  it.each([
    ['Order 10442', 'Where is my order?'],
    ['Re: Black Friday', `Do you have the 305XL in stock?\n\n${quotedNewsletter()}`],
    ['Question', 'Thanks!\n--\nSent from my phone. To unsubscribe from my jokes reply STOP'],
    [
      'Re: news',
      'Great deals!\n\nLe 23 nov. 2026 à 09:00, Ink <news@ink.example> a écrit :\n> Se désabonner',
    ],
  ])('does not ask: subject %j, body %j', (subject, body) => {
    expect(asksToBeRemoved(subject, body)).toBe(false);
  });

  it('property: whatever is quoted below a reply that does not ask, it is never read as a request', () => {
    const neutral = fc.constantFrom('Thanks!', 'Do you ship to Canada?', 'Is the 305XL in stock?', '');
    const asking = fc.constantFrom('unsubscribe', 'Remove me', 'STOP', 'désabonner', 'darme de baja');
    const quoteHeader = fc.constantFrom(
      'On Mon, Nov 23, 2026 at 9:00 AM Ink <news@ink.example> wrote:',
      'Le 23 nov. 2026 à 09:00, Ink <news@ink.example> a écrit :',
      'El lun, 23 nov 2026 a las 9:00, Ink (<news@ink.example>) escribió:',
      '-----Original Message-----',
      'From: Ink <news@ink.example>',
    );
    fc.assert(
      fc.property(
        neutral,
        quoteHeader,
        fc.array(fc.oneof(asking, fc.string()), { maxLength: 6 }),
        (own, header, quoted) => {
          const body = [own, '', header, ...quoted.map((q) => `> ${q.replace(/\r?\n/g, ' ')}`)].join('\n');
          expect(asksToBeRemoved('Re: Black Friday week', body)).toBe(false);
        },
      ),
    );
  });
});
