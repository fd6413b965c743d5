// The report reader alone (report.ts with arf.ts, forwarded.ts, ses-mail.ts, attribution.ts), on
// every corpus fixture that reaches it (mail to the abuse mailbox): who each mail is about, as a
// complaint, a bounce or an opt-out, and by which evidence (R-AB-1..3, R-AB-5/6), or why it is
// kept for an operator. corpus.test.ts proves the same fixtures end to end over SMTP and Kafka;
// this one runs in memory, so the mutation run (pnpm mutation report) can afford it.
import { cfblFeedbackId } from '@sp/email-sender';
import { createSealer, generateSecret } from '@sp/identity';
import { describe, expect, it } from 'vitest';
import { analyzeReport, type Found } from '../src/report';
import { cfblFixtures, quarantineFixtures } from './corpus/cfbl-quarantine';
import { fblFixtures } from './corpus/fbl';
import type { Fixture, FixtureContext } from './corpus/fixture';
import { forwardedFixtures } from './corpus/forwarded';
import { dmarcFixtures } from './corpus/optout-dmarc';
import { sesFixtures } from './corpus/ses';
import { ABUSE, UNSUB_DOMAIN } from './mails';

const sealer = createSealer({ keys: { t1: generateSecret() }, currentKeyId: 't1' });
const OWN = [ABUSE, 'fbl@ink.example'];
const run = Math.random().toString(36).slice(2, 8);
const ctx: FixtureContext = {
  addr: (tag, domain = 'example.net') => `${tag}.${run}@${domain}`,
  token: (claims) => sealer.seal(claims),
  cfblId: ({ email, campaignId }) => cfblFeedbackId(sealer, email, campaignId)!,
  abuse: ABUSE,
  unsubDomain: UNSUB_DOMAIN,
};
/** Reasons the reader gives; the inbox adds its own (bad recipient, bad token) after it. */
const READER_REASONS = new Set([
  'arf-unattributable',
  'arf-without-feedback-report',
  'delivery-status-notification',
  'ses-notification-without-recipients',
  'forward-unattributable',
  'no-original-message',
  'arf-feedback-type-auth-failure',
  'arf-feedback-type-not-spam',
  'arf-feedback-type-virus-scan-result',
]);

const toAbuse = (f: Fixture) => {
  const b = f.build(ctx);
  return b.rcptTo === undefined || b.rcptTo.some((r) => OWN.includes(r.toLowerCase()));
};
const fixtures = [
  ...fblFixtures,
  ...forwardedFixtures,
  ...dmarcFixtures,
  ...sesFixtures,
  ...cfblFixtures,
  ...quarantineFixtures,
].filter(toAbuse);

const read = (raw: string) =>
  analyzeReport(Buffer.from(raw), {
    sealer,
    recipientTokenHeader: 'x-sp-recipient-token',
    ownAddresses: OWN,
  });

describe('the report reader on the corpus', () => {
  it('reads most of the corpus', () => {
    expect(fixtures.length).toBeGreaterThan(40);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_, fixture) => {
    const built = fixture.build(ctx);
    const a = await read(built.raw);
    const want = built.expect;
    if (want.quarantined !== undefined) {
      if (READER_REASONS.has(want.quarantined))
        expect(a).toMatchObject({ ok: false, reason: want.quarantined });
      // Otherwise the reader names someone and the inbox refuses the event (its own reasons).
      return;
    }
    expect(a.ok, JSON.stringify(a)).toBe(true);
    const found = (a as { found: Found[] }).found;
    const seen = found.map((f) => `${f.kind} ${f.email.toLowerCase()}`).sort();
    expect(seen).toEqual(want.published.map((e) => `${e.topic} ${e.email.toLowerCase()}`).sort());
    for (const e of want.published) {
      const f = found.find((x) => x.kind === e.topic && x.email.toLowerCase() === e.email.toLowerCase())!;
      // The inbox drops U+0000 from text before publishing (PostgreSQL cannot hold it): so here.
      expect(JSON.parse(JSON.stringify(f.data).replaceAll('\\u0000', ''))).toMatchObject(e.data ?? {});
      if (e.by) {
        const ev = { ...a.evidence, ...f.evidence };
        expect(ev.attributedBy ?? ev.via).toBe(e.by);
      }
    }
    // None of our own mailboxes is ever the person (R-AB-1/2).
    for (const f of found) expect(OWN).not.toContain(f.email.toLowerCase());
  });

  it('a mail that cannot be parsed at all is kept for an operator, not lost', async () => {
    const a = await analyzeReport(Buffer.from('not a mail'), {
      sealer,
      recipientTokenHeader: 'x-sp-recipient-token',
      ownAddresses: OWN,
    });
    expect(a.ok).toBe(false);
  });
});

describe('a bounce that reached abuse@ is no complaint (R-AB-1)', () => {
  const mail = (header: string, contentType = 'text/plain') =>
    `${[
      header,
      'From: Mail Delivery System <postmaster@mx.example.org>',
      'To: abuse@ink.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-1@mx.example.org>',
      'Date: Tue, 17 Nov 2026 14:29:00 +0000',
      'MIME-Version: 1.0',
      `Content-Type: ${contentType}`,
      '',
      'This is the mail system at host mx.example.org. I am sorry to have to inform you that your',
      'message could not be delivered to one or more recipients: <someone.else@example.org>',
    ].join('\r\n')}\r\n`;
  const reasonOf = async (raw: string) => {
    const a = await read(raw);
    return a.ok ? 'published' : a.reason;
  };

  it.each<[string, string, string, string?]>([
    ['an RFC 3464 report type', 'X-Seq: 1', 'multipart/report; report-type=delivery-status; boundary="b"'],
    ['a null Return-Path', 'Return-Path: <>', 'text/plain'],
    ['a bare empty Return-Path', 'Return-Path: ', 'text/plain'],
    ['a MAILER-DAEMON Return-Path', 'Return-Path: <MAILER-DAEMON@mx.example.org>', 'text/plain'],
    ['a MAILER-DAEMON sender', 'Sender: x', 'text/plain', 'From: MAILER-DAEMON@mx.example.org'],
    ['Auto-Submitted: auto-generated (failure)', 'Auto-Submitted: auto-generated (failure)', 'text/plain'],
  ])('recognized by %s', async (_, header, contentType, from) => {
    let raw = mail(header, contentType);
    if (from) raw = raw.replace('From: Mail Delivery System <postmaster@mx.example.org>', from);
    expect(await reasonOf(raw)).toBe('delivery-status-notification');
  });

  it('without any of those signals it is read as a forward, not as a bounce', async () => {
    expect(await reasonOf(mail('Return-Path: <postmaster@mx.example.org>'))).not.toBe(
      'delivery-status-notification',
    );
    expect(await reasonOf(mail('Auto-Submitted: auto-replied'))).not.toBe('delivery-status-notification');
  });
});
