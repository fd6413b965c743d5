// Real-world shapes delivered over real SMTP to the inbox on real Kafka: SES notifications as SNS
// mails them (R-AB-3, R-AB-6), ARF reports without Original-Rcpt-To (R-AB-1), removal requests
// and DMARC failure reports (R-AB-5). Each asserts exactly what is published, or why it is held.
import { afterEach, describe, expect, it } from 'vitest';
import { ABUSE, events, forwardedSpam, startInbox, type TestInbox, uniqueEmail } from './helpers';
import {
  bounceMail,
  enclosed,
  feedbackReport,
  flowed,
  foldWithSpaces,
  sendmailSplit,
  sesBounce,
  sesComplaint,
  snsAttachmentMail,
  snsEnvelope,
  snsMail,
} from './real-mails';

let inbox: TestInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

type Data = Record<string, unknown> & { email: string };

async function sendAll(i: TestInbox, mails: string[]): Promise<void> {
  for (const m of mails) {
    const r = await i.send(m, [ABUSE]);
    expect(r.response).toMatch(/^250/);
  }
}

describe('SES notifications sent as mail by SNS (R-AB-3, R-AB-6)', () => {
  it('every shape is read: footer, sendmail split, folded, quoted-printable, format=flowed, SNS envelope, attachments', async () => {
    inbox = await startInbox();
    const hard = Array.from({ length: 4 }, (_, i) => uniqueEmail(`ses-hard${i}`));
    const soft = uniqueEmail('ses-soft');
    const complained = Array.from({ length: 6 }, (_, i) => uniqueEmail(`ses-cmp${i}`));
    const json = (n: unknown) => JSON.stringify(n);
    expect(json(sesBounce(hard[0]!, 'Permanent')).length).toBeGreaterThan(998);

    await sendAll(inbox, [
      // email protocol: the notification, footer, the long line split by sendmail (lhost-amazonses-09).
      snsMail(sendmailSplit(json(sesBounce(hard[0]!, 'Permanent')))),
      // Folded with a space at every 76th character, through the address itself.
      snsMail(foldWithSpaces(json(sesBounce(hard[1]!, 'Permanent')))),
      // Quoted-printable soft breaks, and no footer.
      snsMail(json(sesBounce(hard[2]!, 'Permanent')), { encoding: 'quoted-printable', footer: false }),
      // format=flowed; delsp=yes soft breaks.
      snsMail(flowed(json(sesBounce(hard[3]!, 'Permanent'))), { flowed: true }),
      // A transient bounce is read too: recorded, never suppressing (the consumer's rule).
      snsMail(json(sesBounce(soft, 'Transient'))),
      // email-json protocol: the pretty-printed SNS envelope, Message split by sendmail (lhost-amazonses-10).
      snsMail(sendmailSplit(snsEnvelope(sesComplaint(complained[0]!), true)), { footer: false }),
      // The envelope with the footer after it, folded.
      snsMail(foldWithSpaces(snsEnvelope(sesComplaint(complained[1]!), false))),
      // Plain notification JSON, no wrapping, footer.
      snsMail(json(sesComplaint(complained[2]!))),
      // Forwarded by a mail rule as an application/json or text/plain attachment.
      snsAttachmentMail(snsEnvelope(sesComplaint(complained[3]!), false), 'application/json'),
      snsAttachmentMail(json(sesComplaint(complained[4]!)), 'text/plain'),
      // The whole SNS mail forwarded to abuse@ as an attached message.
      forwardedSpam(snsMail(sendmailSplit(json(sesComplaint(complained[5]!))))),
    ]);

    const bounces = await events<Data>(inbox.brokers, inbox.config.topics.bounce, 5);
    expect(bounces.map((b) => [b.event.type, b.event.data.email, b.event.data.bounceType])).toEqual([
      ...hard.map((e) => ['email.bounce.v1', e, 'Permanent']),
      ['email.bounce.v1', soft, 'Transient'],
    ]);
    expect(bounces[0]!.event.data).toEqual({
      email: hard[0],
      bounceType: 'Permanent',
      bounceSubType: 'General',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      feedbackId: '0100018c-ses-feedback-0001',
    });
    expect(bounces[0]!.key).toBe(inbox.keyer.keyOf({ type: 'email', value: hard[0]! }));

    const complaints = await events<Data>(inbox.brokers, inbox.config.topics.complaint, 6);
    expect(complaints.map((c) => c.event.data.email)).toEqual(complained);
    expect(complaints[0]!.event.data).toEqual({
      email: complained[0],
      kind: 'ses',
      feedbackType: 'abuse',
      userAgent: 'Yahoo!-Mail-Feedback/2.0',
      originalMessageId: '0101018c-aaaa-bbbb-cccc-000000000001-000000',
      campaignId: 'nov-sale',
      arrivalDate: '2026-11-20T09:29:00.000Z',
    });
    expect(complaints[0]!.event.occurredAt).toBe('2026-11-20T09:30:00.000Z');
    expect(complaints[0]!.event.evidence).toMatchObject({
      via: 'ses-mail',
      sesMessageId: '0101018c-aaaa-bbbb-cccc-000000000001-000000',
      feedbackId: '0100018c-ses-feedback-0002',
      source: 'smtp',
    });
    expect(await inbox.quarantine.list()).toEqual([]);
  });
});

describe('ARF reports without Original-Rcpt-To (R-AB-1)', () => {
  it("the original's single plain recipient is the complainant; placeholders, the reporter and several people are not; our token wins", async () => {
    inbox = await startInbox();
    const byTo = uniqueEmail('arf-to');
    const byDelivered = uniqueEmail('arf-delivered');
    const byOriginalTo = uniqueEmail('arf-xoriginal');
    const tokenPerson = uniqueEmail('arf-token');
    const bystander = uniqueEmail('arf-bystander');
    const token = inbox.sealer.seal({ email: tokenPerson, campaignId: 'c-21' });
    const report = (original: string, originalType?: 'text/rfc822-headers', extra: string[] = []) =>
      feedbackReport({
        // The Return Path style of sisimai arf-21: Abuse-Type, no Original-Rcpt-To.
        fields: [
          'User-Agent: ReturnPathFBL/1.0',
          'Abuse-Type: complaint',
          'Arrival-Date: Thu, 19 Nov 2026 09:10:00 +0000',
          'Feedback-Type: abuse',
          'Version: 1',
          'Source-IP: 198.51.100.7',
          'Original-Mail-From: bounces@ink.example',
          ...extra,
        ],
        original,
        ...(originalType ? { originalType } : {}),
      });

    // Placeholders first: were any of them taken for a person, it would lead the topic.
    const unattributable = [
      report(enclosed(['To: redacted@mailbox.example'])),
      report(enclosed(['To: xxxxxxxx@mailbox.example'])),
      report(enclosed(['To: <Undisclosed Recipients>'])),
      report(enclosed(['To: "undisclosed"'])),
      report(enclosed(['To: feedbackloop@feedback.mailbox.example'])), // the reporter itself
      report(enclosed([])), // no recipient field at all
      report(enclosed([`To: ${byTo}, ${bystander}`])), // two people: cannot tell which one complained
      // sisimai arf-25: Original-Rcpt-To hashed by the provider, the To masked.
      report(enclosed(['To: xxx@mailbox.example']), undefined, ['Original-Rcpt-To: hashed@mailbox.example']),
    ];
    await sendAll(inbox, unattributable);
    await sendAll(inbox, [
      report(enclosed([`To: <${byTo}>`, 'Message-ID: <o-1@ink.example>'])),
      report(
        enclosed([
          `Delivered-To: ${byDelivered}`,
          'To: undisclosed-recipients:;',
          'Message-ID: <o-2@ink.example>',
        ]),
        'text/rfc822-headers',
      ),
      report(enclosed([`X-Original-To: ${byOriginalTo}`, 'To: redacted@mailbox.example'])),
      // Our recipient token names the person, whatever the To says.
      report(enclosed([`To: ${bystander}`, `X-SP-Recipient-Token: ${token}`])),
    ]);

    const got = await events<Data>(inbox.brokers, inbox.config.topics.complaint, 4);
    expect(got.map((g) => [g.event.data.email, g.event.evidence?.attributedBy])).toEqual([
      [byTo, 'to'],
      [byDelivered, 'delivered-to'],
      [byOriginalTo, 'x-original-to'],
      [tokenPerson, 'recipient-token'],
    ]);
    expect(got[0]!.event.data).toEqual({
      email: byTo,
      kind: 'arf',
      feedbackType: 'abuse',
      userAgent: 'ReturnPathFBL/1.0',
      originalMessageId: '<o-1@ink.example>',
      arrivalDate: '2026-11-19T09:10:00.000Z',
    });
    expect(got[3]!.event.data.campaignId).toBe('c-21');
    const q = await inbox.quarantine.list();
    expect(q.map((e) => e.reason)).toEqual(unattributable.map(() => 'arf-unattributable'));
  });
});

describe('removal requests and DMARC failure reports (R-AB-5)', () => {
  it('Feedback-Type opt-out / opt-out-list with Removal-Recipient is an email-marketing opt-out; auth-failure is held for review and suppresses nobody', async () => {
    inbox = await startInbox();
    const all = uniqueEmail('optout-all');
    const listed = uniqueEmail('optout-list');
    const listedNoEvidence = uniqueEmail('optout-list-bare');
    const dmarcVictim = uniqueEmail('dmarc');
    const sentinel = uniqueEmail('sentinel');
    const token = inbox.sealer.seal({ email: listed, topic: 'Printer tips', campaignId: 'c-7' });

    // sisimai arf-18: a DMARC failure report naming a real recipient. Sent first: had it been
    // read as a complaint or an opt-out, it would lead a topic.
    await sendAll(inbox, [
      feedbackReport({
        from: 'dmarc-noreply@dmarc.mailbox.example',
        subject: 'FW: Earn money',
        fields: [
          'Feedback-Type: auth-failure',
          'User-Agent: DMARC-Filter/1.2.3',
          'Version: 1',
          'Original-Mail-From: <bounces@ink.example>',
          `Original-Rcpt-To: ${dmarcVictim}`,
          'Arrival-Date: Thu, 19 Nov 2026 09:00:05 +0000',
          'Source-IP: 192.0.2.66',
          'Reported-Domain: ink.example',
          'Authentication-Results: mx.mailbox.example; dmarc=fail (p=reject) header.from=ink.example',
          'Auth-Failure: dmarc',
          'Delivery-Result: reject',
        ],
        original: enclosed([`To: ${dmarcVictim}`]),
      }),
      // sisimai arf-12: opt-out, Version 0.1, the original as text/rfc822-header, To undisclosed.
      feedbackReport({
        fields: [
          'Feedback-Type: opt-out',
          'User-Agent: ARF-Agent/1.0',
          'Version: 0.1',
          `Removal-Recipient: ${all}`,
        ],
        original: enclosed(['To: <Undisclosed Recipients>']),
        originalType: 'text/rfc822-header',
      }),
      // opt-out-list: the list comes from our token in the original.
      feedbackReport({
        fields: ['Feedback-Type: opt-out-list', 'Version: 1', `Removal-Recipient: <${listed}>`],
        original: enclosed([`To: ${listed}`, `X-SP-Recipient-Token: ${token}`]),
      }),
      // opt-out-list without any evidence of the list: every topic.
      feedbackReport({
        fields: ['Feedback-Type: opt-out-list', 'Version: 1', `Removal-Recipient: ${listedNoEvidence}`],
        original: enclosed(['To: redacted@mailbox.example']),
      }),
      feedbackReport({
        fields: ['Feedback-Type: abuse', 'Version: 1', `Original-Rcpt-To: ${sentinel}`],
        original: enclosed([`To: ${sentinel}`]),
      }),
    ]);

    const optouts = await events<Data>(inbox.brokers, inbox.config.topics.emailOptOut, 3);
    expect(optouts.map((o) => [o.event.type, o.event.data])).toEqual([
      ['consent.email-optout.v1', { email: all, topic: '*', method: 'feedback-report' }],
      [
        'consent.email-optout.v1',
        { email: listed, topic: 'Printer tips', method: 'feedback-report', campaignId: 'c-7' },
      ],
      ['consent.email-optout.v1', { email: listedNoEvidence, topic: '*', method: 'feedback-report' }],
    ]);
    expect(optouts[0]!.key).toBe(inbox.keyer.keyOf({ type: 'email', value: all }));
    expect(optouts[0]!.event.evidence).toMatchObject({
      feedbackType: 'opt-out',
      attributedBy: 'removal-recipient',
    });
    const complaints = await events<Data>(inbox.brokers, inbox.config.topics.complaint, 1);
    expect(complaints[0]!.event.data.email).toBe(sentinel);
    expect((await inbox.quarantine.list()).map((e) => e.reason)).toEqual(['arf-feedback-type-auth-failure']);
  });
});

describe('RFC 9477 CFBL-Feedback-ID (R-AB-5)', () => {
  it('a fully redacted report whose original carries our CFBL-Feedback-ID is attributed by it; a foreign id is not evidence', async () => {
    inbox = await startInbox();
    const person = uniqueEmail('cfbl');
    const bystander = uniqueEmail('cfbl-bystander');
    const feedbackId = inbox.sealer.seal({ email: person, campaignId: 'nov-sale' });
    // What a CFBL feedback provider returns: headers only, every recipient field redacted, our
    // CFBL headers kept (they are DKIM-signed).
    const redacted = (id: string, to = 'To: redacted@mailbox.example') =>
      feedbackReport({
        fields: ['Feedback-Type: abuse', 'User-Agent: CFBL-Provider/1.0', 'Version: 1'],
        original: enclosed([
          to,
          'Delivered-To: xxxxx@mailbox.example',
          'CFBL-Address: abuse@ink.example; report=arf',
          `CFBL-Feedback-ID: ${id}`,
        ]),
        originalType: 'text/rfc822-headers',
      });
    await sendAll(inbox, [
      redacted('3ba1c1e0-foreign-sender-opaque-id'),
      redacted(feedbackId),
      // Our id wins over a plain To naming someone else (a forwarding or shared mailbox).
      redacted(feedbackId, `To: ${bystander}`),
    ]);
    const got = await events<Data>(inbox.brokers, inbox.config.topics.complaint, 2);
    for (const g of got) {
      expect(g.key).toBe(inbox.keyer.keyOf({ type: 'email', value: person }));
      expect(g.event.data).toMatchObject({ email: person, kind: 'arf', campaignId: 'nov-sale' });
      expect(g.event.evidence?.attributedBy).toBe('cfbl-feedback-id');
    }
    expect((await inbox.quarantine.list()).map((e) => e.reason)).toEqual(['arf-unattributable']);
  });
});

describe('text from the outside world at the SMTP edge (issue 10: 5)', () => {
  it('free text is cleaned of NUL and control characters; an address with one is quarantined and nothing is published', async () => {
    inbox = await startInbox();
    const person = uniqueEmail('nul-text');
    const nulInAddress = uniqueEmail('nul-addr').replace('@', '\u0000@');
    await sendAll(inbox, [
      // Sent first: had it published, it would lead the topic.
      feedbackReport({
        fields: ['Feedback-Type: abuse', 'Version: 1', `Original-Rcpt-To: ${nulInAddress}`],
        original: enclosed([`To: ${nulInAddress}`]),
      }),
      feedbackReport({
        subject: 'Abuse\u0000 Report\u0007',
        fields: [
          'Feedback-Type: abuse',
          'User-Agent: Broken\u0000FBL/1.0\u0001',
          'Version: 1',
          `Original-Rcpt-To: ${person}`,
          'Reported-Domain: ink.example\u0000',
        ],
        original: enclosed([`To: ${person}`, 'Message-ID: <nul\u0000-1@ink.example>']),
      }),
    ]);
    const got = await events<Data>(inbox.brokers, inbox.config.topics.complaint, 1);
    expect(got[0]!.event.data).toEqual({
      email: person,
      kind: 'arf',
      feedbackType: 'abuse',
      userAgent: 'BrokenFBL/1.0',
      originalMessageId: '<nul-1@ink.example>',
      reportedDomain: 'ink.example',
    });
    expect(JSON.stringify(got[0]!.event)).not.toMatch(/\\u000[0-8]/);
    expect((await inbox.quarantine.list()).map((e) => e.reason)).toEqual([
      'recipient-has-control-characters',
    ]);
  });
});

describe('the inbox publishes only what the consumers take (issue 10: 9)', () => {
  it('a recipient that is not an address is quarantined with the reason; the valid recipients of the same mail are published', async () => {
    inbox = await startInbox();
    const valid = uniqueEmail('valid');
    const overLongLocal = `${'a'.repeat(70)}@example.com`;
    const overLong = `${'b'.repeat(60)}@${'c'.repeat(300)}.example`;
    const sesWith = (emails: string[]) => {
      const n = sesComplaint(emails[0]!) as { complaint: { complainedRecipients: unknown[] } };
      n.complaint.complainedRecipients = emails.map((emailAddress) => ({ emailAddress }));
      return snsMail(JSON.stringify(n));
    };
    await sendAll(inbox, [
      sesWith(['ann@@example']),
      sesWith([overLong]),
      feedbackReport({
        fields: ['Feedback-Type: abuse', 'Version: 1', `Original-Rcpt-To: ${overLongLocal}`],
        original: enclosed(['To: redacted@mailbox.example']),
      }),
      // One good, one bad recipient: the good one is not held back with the bad one.
      sesWith(['ann@@example', valid]),
    ]);
    const got = await events<Data>(inbox.brokers, inbox.config.topics.complaint, 1);
    expect(got[0]!.event.data.email).toBe(valid);
    expect(got[0]!.key).toBe(inbox.keyer.keyOf({ type: 'email', value: valid }));
    const q = await inbox.quarantine.list();
    expect(q.map((e) => e.reason)).toEqual([
      'recipient-not-an-address',
      'recipient-not-an-address',
      'recipient-not-an-address',
      'recipient-not-an-address',
    ]);
  });
});

describe('bounces that reach abuse@', () => {
  it('are held for review, not read as complaints from the recipient that bounced', async () => {
    inbox = await startInbox();
    const sentinel = uniqueEmail('after-bounces');
    await sendAll(inbox, [
      bounceMail(uniqueEmail('bounced-3464'), 'rfc3464'),
      bounceMail(uniqueEmail('bounced-legacy'), 'legacy'),
      feedbackReport({
        fields: ['Feedback-Type: abuse', 'Version: 1', `Original-Rcpt-To: ${sentinel}`],
        original: enclosed([`To: ${sentinel}`]),
      }),
    ]);
    const got = await events<Data>(inbox.brokers, inbox.config.topics.complaint, 1);
    expect(got[0]!.event.data.email).toBe(sentinel);
    expect((await inbox.quarantine.list()).map((e) => e.reason)).toEqual([
      'delivery-status-notification',
      'delivery-status-notification',
    ]);
  });
});
