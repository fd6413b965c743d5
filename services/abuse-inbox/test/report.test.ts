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
import { ABUSE, arfReport, forwardedSpam, originalMessage, plainMail, UNSUB_DOMAIN } from './mails';

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

  it('recognized by a delivery-status part alone, and by a comment right after auto-generated', async () => {
    // A bounce sent as multipart/mixed (no report type) that carries an RFC 3464 part.
    const mixed = mail('X-Seq: 1', 'multipart/mixed; boundary="b"').replace(
      /\r\n\r\nThis is the mail system[\s\S]*$/,
      [
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.org',
        '',
        'Final-Recipient: rfc822; someone.else@example.org',
        'Action: failed',
        'Status: 5.1.1',
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect(await reasonOf(mixed)).toBe('delivery-status-notification');
    expect(await reasonOf(mail('Auto-Submitted: auto-generated(failure)'))).toBe(
      'delivery-status-notification',
    );
    // A malformed multipart/report without its report type, from the mailer daemon.
    expect(
      await reasonOf(mail('Return-Path: <MAILER-DAEMON@mx.example.org>', 'multipart/report; boundary="b"')),
    ).toBe('delivery-status-notification');
  });

  it('without any of those signals it is read as a forward, not as a bounce', async () => {
    // No enclosed original: kept for an operator as such, not dropped as a bounce.
    expect(await reasonOf(mail('Return-Path: <postmaster@mx.example.org>'))).toBe('no-original-message');
    expect(await reasonOf(mail('Auto-Submitted: auto-replied'))).toBe('no-original-message');
    // report-type means something on multipart/report only (RFC 6522).
    expect(
      await reasonOf(mail('X-Seq: 1', 'multipart/mixed; report-type=delivery-status; boundary="b"')),
    ).toBe('no-original-message');
  });
});

describe('who a report is about, and its evidence (R-AB-1, R-AB-2)', () => {
  const person = () => ctx.addr('reader');

  it('an ARF report sent as multipart/mixed is still a complaint by the recipient, by its feedback part', async () => {
    const email = person();
    const raw = arfReport({
      original: originalMessage({ to: email, token: ctx.token({ email }) }),
    }).replace(/multipart\/report; report-type=feedback-report;/, 'multipart/mixed;');
    expect(raw).not.toContain('report-type');
    const a = await read(raw);
    expect(a.ok, JSON.stringify(a)).toBe(true);
    expect((a as { found: Found[] }).found.map((f) => [f.kind, f.email])).toEqual([['complaint', email]]);
  });

  it('a not-spam report sent as multipart/mixed is known by its feedback part: no complaint', async () => {
    const email = person();
    const raw = arfReport({
      original: originalMessage({ to: email, token: ctx.token({ email }) }),
      feedbackType: 'not-spam',
    }).replace(/multipart\/report; report-type=feedback-report;/, 'multipart/mixed;');
    expect(await read(raw)).toMatchObject({ ok: false, reason: 'arf-feedback-type-not-spam' });
  });

  it('an enclosed original the parser refuses is kept for an operator, with no Message-ID taken from it', async () => {
    const bomb = `Content-Type: multipart/mixed; boundary=a\r\n\r\n${'--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n'.repeat(5000)}`;
    const a = await read(forwardedSpam(bomb));
    expect(a).toMatchObject({ ok: false, reason: 'forward-unattributable' });
    expect(a.evidence).not.toHaveProperty('originalMessageId');
  });

  it("the evidence names the report's and the original's Message-ID, or null when the report has none", async () => {
    const email = person();
    const a = await read(
      arfReport({
        original: originalMessage({
          to: email,
          token: ctx.token({ email }),
          messageId: '<orig-7@ink.example>',
        }),
      }),
    );
    expect(a.ok).toBe(true);
    expect(a.evidence).toMatchObject({
      reportMessageId: expect.stringMatching(/^<arf-[a-z0-9]+@fbl\.mailbox\.example>$/),
      originalMessageId: '<orig-7@ink.example>',
    });
    const forward = await read(
      forwardedSpam(
        originalMessage({ to: email, token: ctx.token({ email }), messageId: '<orig-8@ink.example>' }),
      ),
    );
    expect(forward.ok).toBe(true);
    expect((forward as { found: Found[] }).found.map((f) => [f.kind, f.email])).toEqual([
      ['complaint', email],
    ]);
    expect(forward.evidence).toMatchObject({
      reportMessageId: null,
      originalMessageId: '<orig-8@ink.example>',
    });
  });

  it('a mail with no MIME headers at all is read, and kept for an operator as having no original', async () => {
    const raw = plainMail({ to: ABUSE, subject: 'spam again', body: 'You keep mailing me.' })
      .replace('MIME-Version: 1.0\r\n', '')
      .replace('Content-Type: text/plain; charset=utf-8\r\n', '');
    expect(raw).not.toMatch(/content-type/i);
    expect(await read(raw)).toMatchObject({
      ok: false,
      reason: 'no-original-message',
      evidence: { reportMessageId: null },
    });
  });

  it('a MIME bomb the parser refuses is kept for an operator as unparseable, not lost', async () => {
    const raw = `Content-Type: multipart/mixed; boundary=a\r\n\r\n${'--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n'.repeat(5000)}`;
    expect(await read(raw)).toEqual({ ok: false, reason: 'unparseable', evidence: {} });
  });
});
