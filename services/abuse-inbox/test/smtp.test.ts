// The abuse-inbox over real SMTP on loopback (nodemailer as the client) and real Kafka:
// ARF reports (R-AB-1), forwarded spam (R-AB-2), SES complaint mails (R-AB-3), the
// List-Unsubscribe mailto (R-OC-1) and the quarantine for what cannot be attributed.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ABUSE,
  arfReport,
  events,
  forwardedSpam,
  originalMessage,
  plainMail,
  startInbox,
  type TestInbox,
  UNSUB_DOMAIN,
  uniqueEmail,
} from './helpers';

let inbox: TestInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

type Complaint = {
  email: string;
  kind: string;
  feedbackType?: string;
  campaignId?: string;
  originalMessageId?: string;
  reportedDomain?: string;
};

describe('abuse-inbox over SMTP', () => {
  it('R-AB-1: an ARF report with Original-Rcpt-To, and one with the recipient redacted but our token in the original, become complaints', async () => {
    inbox = await startInbox();
    const named = uniqueEmail('arf-named');
    const redacted = uniqueEmail('arf-redacted');
    const token = inbox.sealer.seal({ email: redacted, campaignId: 'black-friday' });

    const r1 = await inbox.send(
      arfReport({
        originalRcptTo: `<${named}>`,
        original: originalMessage({ to: named, messageId: '<m1@ink.example>' }),
      }),
      [ABUSE],
    );
    expect(r1.response).toMatch(/^250/);
    // Headers only (text/rfc822-headers), the To: redacted by the provider.
    await inbox.send(
      arfReport({
        original: originalMessage({ to: 'redacted@mailbox.example', token, messageId: '<m2@ink.example>' }),
        headersOnly: true,
      }),
      [ABUSE],
    );

    const got = await events<Complaint>(inbox.brokers, inbox.config.topics.complaint, 2);
    expect(got[0]!.event.type).toBe('abuse.complaint.v1');
    expect(got[0]!.event.data).toEqual({
      email: named,
      kind: 'arf',
      feedbackType: 'abuse',
      userAgent: 'SomeMailboxFBL/1.0',
      originalMessageId: '<m1@ink.example>',
      reportedDomain: 'ink.example',
      arrivalDate: '2026-11-19T09:00:05.000Z',
    });
    expect(got[0]!.key).toBe(inbox.keyer.keyOf({ type: 'email', value: named }));
    expect(got[1]!.event.data).toMatchObject({
      email: redacted,
      kind: 'arf',
      campaignId: 'black-friday',
      originalMessageId: '<m2@ink.example>',
    });
    expect(await inbox.quarantine.list()).toEqual([]);
  });

  it('R-AB-2: a forwarded spam yields the original To; an unattributable one is quarantined, not dropped; R-AB-3: an SES complaint mail', async () => {
    inbox = await startInbox();
    // First the report nobody can be found in: a forward with no original attached.
    const lost = await inbox.send(
      plainMail({ to: ABUSE, subject: 'Fwd: spam', body: 'You keep sending me junk!!!' }),
      [ABUSE],
    );
    expect(lost.response).toMatch(/^250/);

    const victim = uniqueEmail('fwd');
    await inbox.send(forwardedSpam(originalMessage({ to: victim, messageId: '<m3@ink.example>' })), [ABUSE]);
    const sesVictim = uniqueEmail('ses-mail');
    const ses = {
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: sesVictim }],
        complaintFeedbackType: 'abuse',
        timestamp: '2026-11-19T12:00:00.000Z',
        unknownField: 1,
      },
      mail: { messageId: 'ses-0001' },
    };
    await inbox.send(
      plainMail({
        to: 'fbl@ink.example',
        subject: 'Amazon SES Complaint Notification',
        body: JSON.stringify(ses),
      }),
      ['fbl@ink.example'],
    );

    // The topic is ordered: had the lost report published anything, it would come first.
    const got = await events<Complaint>(inbox.brokers, inbox.config.topics.complaint, 2);
    expect(got.map((g) => g.event.data)).toEqual([
      { email: victim, kind: 'forwarded', originalMessageId: '<m3@ink.example>' },
      { email: sesVictim, kind: 'ses', feedbackType: 'abuse', originalMessageId: 'ses-0001' },
    ]);

    // What the operator sees.
    const q = await inbox.quarantine.list();
    expect(q).toHaveLength(1);
    expect(q[0]!.reason).toBe('no-original-message');
    expect(q[0]!.source).toBe('smtp');
    expect((await inbox.quarantine.open(q[0]!.id)).toString('utf8')).toContain('You keep sending me junk!!!');
  });

  it('R-OC-1/R-EM-3: a mail to unsubscribe+<token>@ is an opt-out with method mailto; a bad token is quarantined', async () => {
    inbox = await startInbox();
    const email = uniqueEmail('mailto');
    const token = inbox.sealer.seal({ email, topic: 'Printer tips', campaignId: 'c-9' });
    const bad = await inbox.send(
      plainMail({
        to: `unsubscribe+not-a-real-token-at-all@${UNSUB_DOMAIN}`,
        subject: 'unsubscribe',
        body: '',
      }),
      [`unsubscribe+not-a-real-token-at-all@${UNSUB_DOMAIN}`],
    );
    expect(bad.response).toMatch(/^250/);
    const to = `unsubscribe+${token}@${UNSUB_DOMAIN}`;
    await inbox.send(plainMail({ to, subject: 'unsubscribe', body: 'unsubscribe' }), [to]);

    const got = await events<Record<string, unknown>>(inbox.brokers, inbox.config.topics.emailOptOut, 1);
    expect(got[0]!.event.type).toBe('consent.email-optout.v1');
    expect(got[0]!.event.data).toEqual({ email, topic: 'Printer tips', campaignId: 'c-9', method: 'mailto' });
    expect(got[0]!.key).toBe(inbox.keyer.keyOf({ type: 'email', value: email }));
    expect((await inbox.quarantine.list()).map((e) => e.reason)).toEqual(['unsubscribe-token-not-valid']);
  });

  it('refuses mail for a recipient it does not serve with 550 at RCPT', async () => {
    inbox = await startInbox();
    const err = await inbox
      .send(plainMail({ to: 'ceo@ink.example', subject: 'hi', body: 'hello' }), ['ceo@ink.example'])
      .then(
        () => null,
        (e: Error & { responseCode?: number; rejected?: string[] }) => e,
      );
    expect(err?.responseCode).toBe(550);
    expect(await inbox.quarantine.list()).toEqual([]);
  });
});
