// RFC 9477 complaint feedback loops (CFBL-Address / CFBL-Feedback-ID in our mail, every recipient
// field redacted by the provider), and reports that cannot be attributed: kept with a reason.
import { crlf, type Fixture, type FixtureContext, lf, mail } from './fixture';

/** A CFBL report as RFC 9477 §6 describes it: ARF, the original (or its headers) with our CFBL fields. */
function cfblReport(
  c: FixtureContext,
  o: {
    boundary: string;
    userAgent: string;
    original: string;
    originalType?: string;
    rcptTo?: string;
    feedbackType?: string;
  },
): string {
  return mail`
From: FBL <fbl@cfbl.mail.example.org>
To: ${c.abuse}
Subject: Complaint Feedback Loop report
Date: Tue, 17 Nov 2026 14:30:00 +0000
Message-ID: <${o.boundary}@cfbl.mail.example.org>
Auto-Submitted: auto-generated
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
	boundary="${o.boundary}"

--${o.boundary}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

This is a complaint feedback loop report (RFC 9477) for a message from ink.example.

--${o.boundary}
Content-Type: message/feedback-report

Feedback-Type: ${o.feedbackType ?? 'abuse'}
User-Agent: ${o.userAgent}
Version: 1
${o.rcptTo ? `Original-Rcpt-To: ${o.rcptTo}\n` : ''}Arrival-Date: Tue, 17 Nov 2026 14:29:00 +0000
Reported-Domain: ink.example

--${o.boundary}
Content-Type: ${o.originalType ?? 'message/rfc822'}
Content-Disposition: inline

${o.original}
--${o.boundary}--
`;
}

function cfblOriginal(o: {
  id: string;
  feedbackId: string;
  to?: string;
  body?: boolean;
  fold?: boolean;
}): string {
  const feedback = o.fold ? `CFBL-Feedback-ID:\n\t${o.feedbackId}` : `CFBL-Feedback-ID: ${o.feedbackId}`;
  return [
    'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=ink.example; s=s1; t=1763387000;',
    '\th=from:to:subject:date:message-id:cfbl-address:cfbl-feedback-id:list-unsubscribe;',
    '\tbh=placeholder; b=placeholder',
    'From: Ink Corner <news@ink.example>',
    `To: ${o.to ?? '[redacted]'}`,
    'Subject: Cartridges, 30% off this week',
    'Date: Tue, 17 Nov 2026 14:20:00 +0000',
    `Message-ID: <${o.id}@ink.example>`,
    'CFBL-Address: abuse@ink.example; report=arf',
    feedback,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(o.body === false ? [''] : ['', 'Our best prices of the year.', '']),
  ].join('\n');
}

export const cfblFixtures: Fixture[] = [
  {
    name: 'cfbl-fully-redacted',
    models:
      'RFC 9477 §6 report: ARF with the original as message/rfc822, every recipient field redacted ("To: [redacted]", no Original-Rcpt-To), our CFBL-Address and CFBL-Feedback-ID covered by DKIM h=',
    build: (c) => {
      const email = c.addr('cfbl-redacted');
      const id = c.cfblId({ email, campaignId: 'cfbl-nov' });
      return {
        raw: crlf(
          cfblReport(c, {
            boundary: 'cfbl-report-0001',
            userAgent: 'CFBL-Reporter/1.0',
            original: cfblOriginal({ id: 'cfbl-1', feedbackId: id }),
          }),
        ),
        expect: {
          published: [
            {
              topic: 'complaint',
              email,
              data: { kind: 'arf', campaignId: 'cfbl-nov' },
              by: 'cfbl-feedback-id',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'cfbl-headers-only-folded',
    models:
      'RFC 9477 §6 with only the original header section (text/rfc822-headers), the CFBL-Feedback-ID value folded onto a tab-indented line',
    build: (c) => {
      const email = c.addr('cfbl-headers');
      const id = c.cfblId({ email });
      return {
        raw: lf(
          cfblReport(c, {
            boundary: 'cfbl-report-0002',
            userAgent: 'Mail.example FBL/2.1',
            originalType: 'text/rfc822-headers',
            original: cfblOriginal({ id: 'cfbl-2', feedbackId: id, body: false, fold: true }),
          }),
        ),
        expect: {
          published: [
            { topic: 'complaint', email, data: { kind: 'arf' }, by: 'cfbl-feedback-id', scope: 'marketing' },
          ],
        },
      };
    },
  },
  {
    name: 'cfbl-wins-over-rcpt-to',
    models:
      'RFC 9477 report that also gives an Original-Rcpt-To (a forwarding alias at the provider): our CFBL-Feedback-ID names the subscriber and wins (issue 10, defect 2/4)',
    build: (c) => {
      const email = c.addr('cfbl-person');
      const alias = c.addr('cfbl-alias', 'mail.example.org');
      const id = c.cfblId({ email, campaignId: 'cfbl-alias' });
      return {
        raw: lf(
          cfblReport(c, {
            boundary: 'cfbl-report-0003',
            userAgent: 'CFBL-Reporter/1.0',
            rcptTo: alias,
            original: cfblOriginal({ id: 'cfbl-3', feedbackId: id, to: alias }),
          }),
        ),
        expect: {
          published: [
            {
              topic: 'complaint',
              email,
              data: { kind: 'arf', campaignId: 'cfbl-alias' },
              by: 'cfbl-feedback-id',
              scope: 'marketing',
            },
          ],
          unaffected: [alias],
        },
      };
    },
  },
  {
    name: 'cfbl-foreign-feedback-id',
    models:
      "RFC 9477 report for a mail that is not ours (a CFBL-Feedback-ID we cannot open, e.g. another sender's or tampered), everything redacted: unattributable, kept",
    build: (c) => ({
      raw: lf(
        cfblReport(c, {
          boundary: 'cfbl-report-0004',
          userAgent: 'CFBL-Reporter/1.0',
          original: cfblOriginal({
            id: 'cfbl-4',
            feedbackId: '111:222:333:4444:a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
          }),
        }),
      ),
      expect: { quarantined: 'arf-unattributable' },
    }),
  },
  {
    name: 'cfbl-opt-out',
    models:
      'RFC 9477 CFBL with RFC 6650 Feedback-Type opt-out: the Removal-Recipient redacted away, our CFBL-Feedback-ID naming the person',
    build: (c) => {
      const email = c.addr('cfbl-optout');
      const id = c.cfblId({ email, campaignId: 'cfbl-oo' });
      return {
        raw: crlf(
          cfblReport(c, {
            boundary: 'cfbl-report-0005',
            userAgent: 'CFBL-Reporter/1.0',
            feedbackType: 'opt-out',
            original: cfblOriginal({ id: 'cfbl-5', feedbackId: id }),
          }),
        ),
        expect: {
          published: [
            {
              topic: 'optout',
              email,
              data: { method: 'feedback-report', campaignId: 'cfbl-oo' },
              by: 'cfbl-feedback-id',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
];

export const quarantineFixtures: Fixture[] = [
  {
    name: 'plain-complaint-no-original',
    models: 'a person writing to abuse@ in plain words, nothing attached, nothing of ours quoted',
    build: (c) => ({
      raw: crlf(mail`
From: Angry Person <angry@example.com>
To: ${c.abuse}
Subject: STOP SENDING ME THIS
Date: Tue, 17 Nov 2026 15:00:00 +0000
Message-ID: <angry-1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

I have asked you three times. Take me off your list.
`),
      expect: { quarantined: 'no-original-message' },
    }),
  },
  {
    name: 'arf-without-feedback-report-part',
    models:
      'sisimai arf-11 layout cut short: multipart/report; report-type=feedback-report with the human part and the original but no message/feedback-report part',
    build: (c) => ({
      raw: lf(mail`
From: <fbl@mail.example.com>
To: <${c.abuse}>
Subject: FW: Cartridges
Date: Tue, 17 Nov 2026 15:05:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="cut_000.1"

--cut_000.1
Content-Type: text/plain

This is an email abuse report.

--cut_000.1
Content-Type: message/rfc822

From: <news@ink.example>
To: someone@example.com
Subject: Cartridges
Message-ID: <cut-1@ink.example>

Our best prices of the year.
--cut_000.1--
`),
      expect: { quarantined: 'arf-without-feedback-report' },
    }),
  },
  {
    name: 'arf-unknown-feedback-type',
    models:
      'an ARF report with a Feedback-Type outside the RFC 5965 registry ("virus-scan-result"), in the sisimai arf-11 layout',
    build: (c) => {
      const rcpt = c.addr('unknown-type');
      return {
        raw: lf(mail`
From: <fbl@mail.example.com>
To: <${c.abuse}>
Subject: Report
Date: Tue, 17 Nov 2026 15:10:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="unknown_type_1"

--unknown_type_1
Content-Type: text/plain

Report.

--unknown_type_1
Content-Type: message/feedback-report

Feedback-Type: virus-scan-result
User-Agent: Scanner/1.0
Version: 1
Original-Rcpt-To: ${rcpt}

--unknown_type_1
Content-Type: text/rfc822-headers

From: <news@ink.example>
To: ${rcpt}
Message-ID: <unknown-type-1@ink.example>

--unknown_type_1--
`),
        expect: { quarantined: 'arf-feedback-type-virus-scan-result', unaffected: [rcpt] },
      };
    },
  },
  {
    name: 'arf-rcpt-to-reporter-role-address',
    models:
      "sisimai set-of-emails maildir/bsd/arf-02.eml quirk: the report's Original-Rcpt-To is the provider's own role mailbox (the FBL reported the copy that reached its postmaster), the original's To is undisclosed: nobody to suppress",
    build: (c) => ({
      raw: lf(mail`
MIME-Version: 1.0
Content-Type: multipart/report; 
    boundary="_----------=F3333333333333333333333"; 
    report-type="feedback-report"
Date: Tue, 17 Nov 2026 07:15:00 -0800
From: Mail AntiSpam Feedback <feedback@arf.mail.example.org>
To: ${c.abuse}
Subject: Fw: Cartridges

--_----------=F3333333333333333333333
Content-Type: text/plain; charset="US-ASCII"

This is an email abuse report.

--_----------=F3333333333333333333333
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Yahoo!-Mail-Feedback/1.0
Version: 0.1
Original-Rcpt-To: postmaster@arf.mail.example.org

--_----------=F3333333333333333333333
Content-Type: message/rfc822

From: Ink Corner <news@ink.example>
To: undisclosed-recipients:;
Subject: Cartridges
Message-ID: <role-1@ink.example>

Our best prices of the year.
--_----------=F3333333333333333333333--
`),
      expect: { quarantined: 'arf-unattributable', unaffected: ['postmaster@arf.mail.example.org'] },
    }),
  },
  {
    name: 'arf-original-rcpt-to-is-our-abuse-mailbox',
    models:
      'a report whose only recipient fields name our own abuse@ (an FBL that reported the copy CFBL-Address sent us): never taken for a complainant',
    build: (c) => ({
      raw: lf(mail`
From: <fbl@mail.example.com>
To: <${c.abuse}>
Subject: Report
Date: Tue, 17 Nov 2026 15:20:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="own_abuse_1"

--own_abuse_1
Content-Type: text/plain

Report.

--own_abuse_1
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: MailFBL/1.0
Version: 1
Original-Rcpt-To: <${c.abuse}>

--own_abuse_1
Content-Type: text/rfc822-headers

From: <news@ink.example>
To: ${c.abuse}
Message-ID: <own-abuse-1@ink.example>

--own_abuse_1--
`),
      expect: { quarantined: 'arf-unattributable' },
    }),
  },
  {
    name: 'arf-nul-in-free-text',
    models:
      'sisimai set-of-emails maildir/bsd/arf-02.eml layout with a NUL (U+0000) inside the User-Agent and the human part, as broken FBL software emits: the complaint is published with the text cleaned (PostgreSQL cannot hold U+0000; issue 10, defect 5)',
    build: (c) => {
      const to = c.addr('nul-text', 'mail.example.org');
      return {
        raw: lf(mail`
MIME-Version: 1.0
Content-Type: multipart/report; boundary="nul-text-1"; report-type="feedback-report"
Date: Tue, 17 Nov 2026 15:50:00 +0000
From: Mail AntiSpam Feedback <feedback@arf.mail.example.org>
To: ${c.abuse}
Subject: Fw: Cartridges

--nul-text-1
Content-Type: text/plain; charset="US-ASCII"

This is an email abuse report.\u0000

--nul-text-1
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Broken\u0000FBL/1.0
Version: 1
Original-Rcpt-To: ${to}

--nul-text-1
Content-Type: message/rfc822

From: Ink Corner <news@ink.example>
To: ${to}
Subject: Cartridges
Message-ID: <nul-text-1@ink.example>

Our best prices of the year.
--nul-text-1--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: { kind: 'arf', userAgent: 'BrokenFBL/1.0' },
              by: 'original-rcpt-to',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'arf-control-character-in-recipient',
    models:
      'sisimai set-of-emails maildir/bsd/arf-02.eml layout whose Original-Rcpt-To carries a control character (U+0001) inside the address: an identifier that cannot be trusted, kept for an operator and nothing published (issue 10, defect 5)',
    build: (c) => ({
      raw: lf(mail`
MIME-Version: 1.0
Content-Type: multipart/report; boundary="ctl-rcpt-1"; report-type="feedback-report"
Date: Tue, 17 Nov 2026 15:55:00 +0000
From: Mail AntiSpam Feedback <feedback@arf.mail.example.org>
To: ${c.abuse}
Subject: Fw: Cartridges

--ctl-rcpt-1
Content-Type: text/plain; charset="US-ASCII"

This is an email abuse report.

--ctl-rcpt-1
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Yahoo!-Mail-Feedback/1.0
Version: 1
Original-Rcpt-To: ctl\u0001person@mail.example.org

--ctl-rcpt-1
Content-Type: text/rfc822-headers

From: Ink Corner <news@ink.example>
To: undisclosed-recipients:;
Message-ID: <ctl-rcpt-1@ink.example>

--ctl-rcpt-1--
`),
      expect: { quarantined: 'recipient-has-control-characters' },
    }),
  },
  {
    name: 'unsubscribe-mailto-bad-token',
    models:
      'sisimai set-of-emails maildir/bsd/arf-26.eml (Apple Mail unsubscribe) sent to an unsubscribe+<token>@ address whose token was cut by a mail client',
    build: (c) => {
      const email = c.addr('apple-cut', 'icloud.example.com');
      const to = `unsubscribe+abcdefghijklmnopqrstuvwx@${c.unsubDomain}`;
      return {
        raw: lf(mail`
Date: Tue, 17 Nov 2026 15:25:00 +0000 (UTC)
From: ${email}
To: ${to}
Message-ID: <2B3C4D5E-6F70-4A8B-9C0D-1E2F3A4B5C6D@icloud.example.com>
Subject: unsubscribe
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
X-Apple-Unsubscribe: true

Apple Mail sent this email to unsubscribe.
`),
        rcptTo: [to],
        expect: { quarantined: 'unsubscribe-token-not-valid', unaffected: [email] },
      };
    },
  },
  {
    name: 'dsn-at-abuse',
    models:
      'sisimai set-of-emails maildir/bsd/lhost-amazonses-01.eml: an RFC 3464 delivery-status report (multipart/report; report-type=delivery-status, message/delivery-status, the original as message/rfc822) that reached abuse@: a bounce, not a spam complaint, so it is not read as one',
    build: (c) => {
      const rcpt = c.addr('dsn', 'example.co.jp');
      return {
        raw: lf(mail`
Return-Path: <>
Date: Tue, 17 Nov 2026 15:30:00 +0000
From: MAILER-DAEMON@amazonses.example.com
To: ${c.abuse}
Message-ID: <0100019a-dsn-0001@email-bounces.amazonses.example.com>
Subject: Delivery Status Notification (Failure)
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="AbC8e.4gyIcCrxq.1RFbQY.3Vu7Hs+"

--AbC8e.4gyIcCrxq.1RFbQY.3Vu7Hs+
content-type: text/plain;
    charset="utf-8"
Content-Transfer-Encoding: quoted-printable

The following message to <${rcpt}> was undeliverable.
The reason for the problem:
5.1.0 - Unknown address error 550-'5.1.1 user unknown'

--AbC8e.4gyIcCrxq.1RFbQY.3Vu7Hs+
content-type: message/delivery-status

Reporting-MTA: dns; a192-79.smtp-out.amazonses.example.com

Final-Recipient: rfc822;${rcpt}
Action: failed
Status: 5.0.0 (permanent failure)
Remote-MTA: dns; [192.0.2.222]
Diagnostic-Code: smtp; 5.1.0 - Unknown address error 550-'5.1.1 user unknown' (delivery attempts: 0)

--AbC8e.4gyIcCrxq.1RFbQY.3Vu7Hs+
content-type: message/rfc822

Return-Path: 0100019a-dsn-0001@email-bounces.amazonses.example.com
From: news@ink.example
To: ${rcpt}
Subject: Cartridges
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 7bit
Date: Tue, 17 Nov 2026 15:29:00 +0000
Message-ID: <0100019a-dsn-orig@email.amazonses.example.com>

Our best prices of the year.

--AbC8e.4gyIcCrxq.1RFbQY.3Vu7Hs+--
`),
        expect: { quarantined: 'delivery-status-notification', unaffected: [rcpt] },
      };
    },
  },
];
