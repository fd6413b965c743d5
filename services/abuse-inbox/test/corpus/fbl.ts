// Feedback-loop complaints (Feedback-Type: abuse) as mailbox providers and FBL operators send
// them, named and redacted (R-AB-1).
import { crlf, type Fixture, lf, mail } from './fixture';

// The original our sender wrote, as the provider encloses it (headers of the email sender's mail).
function ours(o: {
  to: string;
  id: string;
  token?: string;
  unsubscribe?: string;
  extra?: string[];
  body?: boolean;
}): string {
  return [
    'From: Ink Corner <news@ink.example>',
    `To: ${o.to}`,
    'Subject: Cartridges, 30% off this week',
    `Message-ID: <${o.id}@ink.example>`,
    'Date: Tue, 17 Nov 2026 08:00:00 +0000',
    ...(o.token ? [`X-SP-Recipient-Token: ${o.token}`] : []),
    ...(o.unsubscribe
      ? [`List-Unsubscribe: <${o.unsubscribe}>`, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click']
      : []),
    ...(o.extra ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(o.body === false ? [] : ['', 'Our best prices of the year.', '']),
  ].join('\n');
}

export const fblFixtures: Fixture[] = [
  {
    name: 'yahoo-fbl-named',
    models:
      'sisimai set-of-emails maildir/bsd/arf-02.eml: Yahoo! Mail AntiSpam Feedback, Content-Type folded over three lines with the boundary first, a preamble, MIME-Version/Date inside parts, Version 0.1, Received-Date, X-Apparently-To in the original, LF',
    build: (c) => {
      const to = c.addr('yahoo-named', 'mail.example.org');
      return {
        raw: lf(mail`
Return-Path: abuse=ink.example@returns.bulk.mail.example.org
Received: from fbl1.mail.example.org (fbl1.mail.example.org [198.51.100.7])
    by mx.ink.example with ESMTP; Tue, 17 Nov 2026 10:01:00 +0000
Message-ID: <20261117100100.4711.fbl@fbl1.mail.example.org>
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Type: multipart/report; 
    boundary="_----------=_Y1000000000000000000001"; 
    report-type="feedback-report"
Date: Tue, 17 Nov 2026 02:01:00 -0800
From: Mail AntiSpam Feedback <feedback@arf.mail.example.org>
To: ${c.abuse}
Subject: Fw: Cartridges, 30% off this week

This is a multi-part message in MIME format.

--_----------=_Y1000000000000000000001
MIME-Version: 1.0
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: text/plain; charset="US-ASCII"
Date: Tue, 17 Nov 2026 02:01:00 -0800

This is an email abuse report for an email message received from mta7.ink.example  on Tue, 17 Nov 2026 02:00:05 PST

--_----------=_Y1000000000000000000001
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Yahoo!-Mail-Feedback/1.0
Version: 0.1
Original-Mail-From: <bounces@ink.example>
Original-Rcpt-To: ${to}
Received-Date: Tue, 17 Nov 2026 02:00:05 PST
Reported-Domain: ink.example
Authentication-Results: 

--_----------=_Y1000000000000000000001
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: message/rfc822

X-Apparently-To: ${to} via 198.51.100.45; Tue, 17 Nov 2026 02:00:05 -0800
Return-Path: <bounces@ink.example>
X-Originating-IP: [192.0.2.8]
Received: from 127.0.0.1  (EHLO mta7.ink.example) (192.0.2.8)
  by mta3.mail.example.org with SMTP; Tue, 17 Nov 2026 02:00:05 -0800
${ours({ to, id: 'yahoo-named-1', extra: ['Content-Length: 29'] })}
--_----------=_Y1000000000000000000001--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: {
                kind: 'arf',
                feedbackType: 'abuse',
                userAgent: 'Yahoo!-Mail-Feedback/1.0',
                reportedDomain: 'ink.example',
                originalMessageId: '<yahoo-named-1@ink.example>',
              },
              by: 'original-rcpt-to',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'ses-relayed-yahoo-fbl',
    models:
      'sisimai set-of-emails maildir/bsd/arf-14.eml: a Yahoo report relayed by complaints@email-abuse.amazonses.com, boundary "----=_Part_…" tab-folded, Feedback-Type abuse with Original-Rcpt-To, the original with X-SES-Outgoing and Feedback-ID, quoted-printable',
    build: (c) => {
      const to = c.addr('ses-yahoo', 'mail.example.org');
      return {
        raw: lf(mail`
X-Apparently-To: ${c.abuse}; Tue, 17 Nov 2026 11:00:00 +0000
Return-Path: <no-reply@amazonses.example.com>
Received: from 127.0.0.1  (EHLO a1-2.smtp-out.amazonses.example.com) (192.0.2.222)
  by mta1.mail.example.org with SMTPS; Tue, 17 Nov 2026 11:00:00 +0000
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=arf.mail.example.org; s=arf; b=placeholder
Date: Tue, 17 Nov 2026 11:00:00 +0000
From: complaints@email-abuse.amazonses.example.com
To: ${c.abuse}
Message-ID: <0100018fcomplaint0001@email.amazonses.example.com>
Subject: Fw: Cartridges, 30% off this week
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; 
	boundary="----=_Part_11110022_1234567890.1763377200000"
X-SES-Outgoing: 2026.11.17-192.0.2.222

------=_Part_11110022_1234567890.1763377200000
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit
Content-Disposition: inline

This is an email abuse report for an email message from amazonses.example.com on Tue, 17 Nov 2026 10:59:00 +0000

------=_Part_11110022_1234567890.1763377200000
Content-Type: message/feedback-report
Content-Transfer-Encoding: 7bit
Content-Disposition: inline

Feedback-Type: abuse
User-Agent: Yahoo!-Mail-Feedback/2.0
Version: 0.1
Original-Mail-From: <0100018f-aaaa-bbbb-000000@amazonses.example.com>
Original-Rcpt-To: ${to}
Received-Date: Tue, 17 Nov 2026 10:59:00 +0000
Reported-Domain: amazonses.example.com
Authentication-Results: mta1.mail.example.org  from=ink.example; domainkeys=neutral (no sig);  from=amazonses.example.com; dkim=pass (ok)

------=_Part_11110022_1234567890.1763377200000
Content-Type: message/rfc822
Content-Disposition: inline

X-Apparently-To: ${to}; Tue, 17 Nov 2026 10:59:00 +0000
Return-Path: <0100018f-aaaa-bbbb-000000@amazonses.example.com>
Received: from 127.0.0.1  (EHLO a2-22.smtp-out.amazonses.example.com) (192.0.2.2)
  by mta1.mail.example.org with SMTPS; Tue, 17 Nov 2026 10:59:00 +0000
Content-Type: text/plain; charset=us-ascii
MIME-Version: 1.0
Date: Tue, 17 Nov 2026 10:58:59 +0000
Content-Transfer-Encoding: quoted-printable
Subject: Cartridges, 30% off this week
From: Ink Corner <news@ink.example>
Message-ID: <0100018f-ses-yahoo-1@email.amazonses.example.com>
To: ${to}
X-SES-Outgoing: 2026.11.17-192.0.2.2
Feedback-ID: 1.us-east-1.abcdefgh=:AmazonSES

Our best prices of the year =E2=80=94 30% off.

------=_Part_11110022_1234567890.1763377200000--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: { kind: 'arf', userAgent: 'Yahoo!-Mail-Feedback/2.0' },
              by: 'original-rcpt-to',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'yahoo-cfl-redacted-token',
    models:
      'sisimai set-of-emails maildir/bsd/arf-14.eml structure with the recipient redacted as Yahoo\'s Complaint Feedback Loop does today (no Original-Rcpt-To, "To: redacted"), attributed by our X-SP-Recipient-Token; CRLF',
    build: (c) => {
      const email = c.addr('yahoo-cfl');
      const token = c.token({ email, campaignId: 'nov-cartridges' });
      return {
        raw: crlf(mail`
Date: Tue, 17 Nov 2026 11:05:00 +0000
From: feedback@arf.mail.example.org
To: ${c.abuse}
Message-ID: <cfl.20261117110500.77@arf.mail.example.org>
Subject: FW: Cartridges, 30% off this week
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; 
	boundary="----=_Part_3344_5566.1763377500000"

------=_Part_3344_5566.1763377500000
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit
Content-Disposition: inline

This is an email abuse report for an email message from ink.example on Tue, 17 Nov 2026 11:04:00 +0000

------=_Part_3344_5566.1763377500000
Content-Type: message/feedback-report
Content-Transfer-Encoding: 7bit
Content-Disposition: inline

Feedback-Type: abuse
User-Agent: Yahoo!-Mail-Feedback/2.0
Version: 0.1
Original-Mail-From: <bounces@ink.example>
Received-Date: Tue, 17 Nov 2026 11:04:00 +0000
Reported-Domain: ink.example

------=_Part_3344_5566.1763377500000
Content-Type: message/rfc822
Content-Disposition: inline

${ours({ to: 'redacted', id: 'yahoo-cfl-1', token })}
------=_Part_3344_5566.1763377500000--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email,
              data: {
                kind: 'arf',
                campaignId: 'nov-cartridges',
                originalMessageId: '<yahoo-cfl-1@ink.example>',
              },
              by: 'recipient-token',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'smp-fbl-redacted-unattributable',
    models:
      'sisimai set-of-emails maildir/bsd/arf-01.eml: SMP-FBL, Redacted-Address fields, "To: redacted@…" and "for <redacted>" in the original, no Original-Rcpt-To, no token of ours',
    build: (c) => ({
      raw: lf(mail`
Received: from fbl.mx.example.net (fbl.mx.example.net [192.0.2.9])
  by mx.ink.example with ESMTP; 17 Nov 2026 11:10:00 -0000
To: ${c.abuse}
From: fbl-sender@fbl.example.net
Date: Tue, 17 Nov 2026 11:10:00 GMT
Subject: Email Feedback Report for IP 192.0.2.89
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="boundary-1111-22222-3333333-444444"
X-Loop: fbl
Message-ID: <111111111111111.222222222222@fbl.mx.example.net>

--boundary-1111-22222-3333333-444444
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message with the message-id of smp-1@ink.example received from IP address 192.0.2.89 on Tue, 17 Nov 2026 11:09:00 -0000 (GMT)

For information, please review the top portion of the following page:
http://postmaster.example.net/tools/fbl.html


--boundary-1111-22222-3333333-444444
Content-Disposition: inline
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SMP-FBL
Version: 1.0
Received-Date: Tue, 17 Nov 2026 11:09:00 -0000 (EST)
Source-IP: 192.0.2.89
Reported-Domain: ink.example
Redacted-Address: redacted
Redacted-Address: redacted@


--boundary-1111-22222-3333333-444444
Content-Type: message/rfc822
Content-Disposition: inline

Return-Path: <bounces@ink.example>
Received: from mta7.ink.example (mta7.ink.example [192.0.2.89])
	by mx80.fbl.example.net (Internet Relaying) with SMTP id 0000000000000
	for <redacted>; Tue, 17 Nov 2026 11:09:00 -0000 (GMT)
From: "Ink Corner" <news@ink.example> 
To: redacted@example.net
Date: Tue, 17 Nov 2026 03:09:00 -0800
Subject: Cartridges, 30% off this week
MIME-Version: 1.0
Content-Type: text/plain

Our best prices of the year.
`),
      expect: { quarantined: 'arf-unattributable' },
    }),
  },
  {
    name: 'smp-fbl-redacted-unsubscribe-link',
    models:
      'sisimai set-of-emails maildir/bsd/arf-01.eml redaction (Redacted-Address, "redacted@" To) with our List-Unsubscribe https link surviving in the original: attributed by the sealed token in /u/<token>',
    build: (c) => {
      const email = c.addr('smp-link');
      const token = c.token({ email, topic: 'Printer tips' });
      return {
        raw: lf(mail`
To: ${c.abuse}
From: fbl-sender@fbl.example.net
Date: Tue, 17 Nov 2026 11:12:00 GMT
Subject: Email Feedback Report for IP 192.0.2.89
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="boundary-1111-22222-3333333-555555"
Message-ID: <111111111111111.333333333333@fbl.mx.example.net>

--boundary-1111-22222-3333333-555555
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP address 192.0.2.89 on Tue, 17 Nov 2026 11:11:00 -0000 (GMT)

--boundary-1111-22222-3333333-555555
Content-Disposition: inline
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SMP-FBL
Version: 1.0
Received-Date: Tue, 17 Nov 2026 11:11:00 -0000 (EST)
Source-IP: 192.0.2.89
Reported-Domain: ink.example
Redacted-Address: redacted


--boundary-1111-22222-3333333-555555
Content-Type: message/rfc822
Content-Disposition: inline

Return-Path: <bounces@ink.example>
${ours({ to: 'redacted@example.net', id: 'smp-link-1', unsubscribe: `https://ink.example/u/${token}` })}
--boundary-1111-22222-3333333-555555--
`),
        expect: {
          published: [
            { topic: 'complaint', email, data: { kind: 'arf' }, by: 'recipient-token', scope: 'marketing' },
          ],
        },
      };
    },
  },
  {
    name: 'rfc5965-simple-undisclosed',
    models:
      'RFC 5965 Appendix B.1 (simple report) and sisimai set-of-emails maildir/bsd/arf-11.eml: Feedback-Type, User-Agent, Version only; "To: <Undisclosed Recipients>"; Message-ID without angle brackets',
    build: (c) => ({
      raw: lf(mail`
From: <abusedesk@example.com>
Date: Tue, 17 Nov 2026 11:15:00 +0000
Subject: FW: Cartridges, 30% off this week
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="part1_13d.2e68ed54_boundary"

--part1_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP 192.0.2.1 on Tue, 17 Nov 2026 11:14:00 +0000.
For more information about this format please see http://www.example.org/arf/.

--part1_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1

--part1_13d.2e68ed54_boundary
Content-Type: message/rfc822
Content-Disposition: inline

From: <news@ink.example>
Received: from mta7.ink.example (mta7.ink.example [192.0.2.1])
    by mx.example.com with ESMTP id 00000000000fff; Tue, 17 Nov 2026 11:14:00 +0000
To: <Undisclosed Recipients>
Subject: Cartridges, 30% off this week
MIME-Version: 1.0
Content-type: text/plain
Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@ink.example
Date: Tue, 17 Nov 2026 11:13:00 +0000

Our best prices of the year.
--part1_13d.2e68ed54_boundary--
`),
      expect: { quarantined: 'arf-unattributable' },
    }),
  },
  {
    name: 'returnpath-fbl-undisclosed',
    models:
      'sisimai set-of-emails maildir/bsd/arf-15.eml: ReturnPathFBL/1.0 (the FBL Validity runs for Comcast, Rackspace, Terra …), Abuse-Type: complaint, Content-Transfer-Encoding: binary on the report, the original\'s To: "undisclosed", no Original-Rcpt-To',
    build: (c) => ({
      raw: lf(mail`
Received: from fbl-01.returnpath.example.net (fbl-01.returnpath.example.net [192.0.2.178])
	by mx.ink.example (Postfix) with ESMTP id 1A2B3C4D5E
	for <${c.abuse}>; Tue, 17 Nov 2026 11:20:00 +0000 (UTC)
Content-Transfer-Encoding: binary
Content-Type: multipart/report; boundary="_----------=_17633784000000000001";
    report-type="feedback-report"
MIME-Version: 1.0
Date: Tue, 17 Nov 2026 11:20:00 +0000
Subject: Abuse Report
To: ${c.abuse}
From: feedbackloop@feedback.example.org
Message-Id: <20261117112000.1A2B3C4D5E@fbl-02.r.returnpath.example.net>

This is a multi-part message in MIME format.

--_----------=_17633784000000000001
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: text/plain

This is an email abuse report for an email message received from IP 192.0.2.222 on Tue, 17 Nov 2026 11:19:00 +0000


--_----------=_17633784000000000001
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: message/feedback-report

User-Agent: ReturnPathFBL/1.0
Abuse-Type: complaint
Arrival-Date: Tue, 17 Nov 2026 11:19:00 +0000
Feedback-Type: abuse
Version: 1
Source-IP: 192.0.2.222
Original-Mail-From: bounces@ink.example

--_----------=_17633784000000000001
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
Content-Type: message/rfc822

Return-Path: <bounces@ink.example>
Received: from [192.0.2.22] by mta2.r.example.org (LMTP);
  Tue, 17 Nov 2026 11:19:00 +0000 (UTC)
Date: Tue, 17 Nov 2026 11:18:00 +0000
To: "undisclosed"
From: Ink Corner <news@ink.example>
Subject: Cartridges, 30% off this week
Message-ID: <returnpath-undisclosed-1@ink.example>

Our best prices of the year.

`),
      expect: { quarantined: 'arf-unattributable' },
    }),
  },
  {
    name: 'returnpath-fbl-token',
    models:
      'sisimai set-of-emails maildir/bsd/arf-15.eml (ReturnPathFBL, binary, To: "undisclosed") whose original still carries our X-SP-Recipient-Token: attributed by it, Arrival-Date taken as the time',
    build: (c) => {
      const email = c.addr('rp-token');
      const token = c.token({ email, campaignId: 'rp-weekly' });
      return {
        raw: lf(mail`
Content-Transfer-Encoding: binary
Content-Type: multipart/report; boundary="_----------=_17633784000000000002";
    report-type="feedback-report"
MIME-Version: 1.0
Date: Tue, 17 Nov 2026 11:21:00 +0000
Subject: Abuse Report
To: ${c.abuse}
From: feedbackloop@feedback.example.org
Message-Id: <20261117112100.2B3C4D5E6F@fbl-02.r.returnpath.example.net>

This is a multi-part message in MIME format.

--_----------=_17633784000000000002
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: text/plain

This is an email abuse report for an email message received from IP 192.0.2.222 on Tue, 17 Nov 2026 11:20:30 +0000


--_----------=_17633784000000000002
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: message/feedback-report

User-Agent: ReturnPathFBL/1.0
Abuse-Type: complaint
Arrival-Date: Tue, 17 Nov 2026 11:20:30 +0000
Feedback-Type: abuse
Version: 1
Source-IP: 192.0.2.222
Original-Mail-From: bounces@ink.example

--_----------=_17633784000000000002
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
Content-Type: message/rfc822

Date: Tue, 17 Nov 2026 11:20:00 +0000
To: "undisclosed"
From: Ink Corner <news@ink.example>
Subject: Cartridges, 30% off this week
Message-ID: <returnpath-token-1@ink.example>
X-SP-Recipient-Token: ${token}

Our best prices of the year.

`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email,
              data: { kind: 'arf', campaignId: 'rp-weekly', arrivalDate: '2026-11-17T11:20:30.000Z' },
              by: 'recipient-token',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'returnpath-fbl-many-recipients',
    models:
      'sisimai set-of-emails maildir/bsd/arf-16.eml: one ReturnPathFBL report listing several Original-Rcpt-To fields and two Reported-Domain fields; the original has no To at all',
    build: (c) => {
      const people = [c.addr('rp-many-a'), c.addr('rp-many-b'), c.addr('rp-many-c', 'example.org')];
      return {
        raw: lf(mail`
Return-Path: <fbl@senderscore.example.net>
Content-Transfer-Encoding: binary
Content-Type: multipart/report; boundary="_----------=_17633785000000000333";
    report-type="feedback-report"
MIME-Version: 1.0
Date: Tue, 17 Nov 2026 20:25:00 +0900
Subject: Abuse Report
To: ${c.abuse}
From: feedbackloop@feedback.example.com
Message-Id: <20261117202500.0000000333@fbl-02.r.returnpath.example.net>

This is a multi-part message in MIME format.

--_----------=_17633785000000000333
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: text/plain

This is an email abuse report for an email message received from IP 192.0.2.1 on Tue, 17 Nov 2026 11:24:00 +0000


--_----------=_17633785000000000333
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Type: message/feedback-report

User-Agent: ReturnPathFBL/1.0
Abuse-Type: complaint
Arrival-Date: Tue, 17 Nov 2026 11:24:00 +0000
Feedback-Type: abuse
Version: 1
Source-IP: 192.0.2.1
Original-Rcpt-To: ${people[0]}
Original-Rcpt-To: ${people[1]}
Original-Rcpt-To: ${people[2]}
Original-Mail-From: bounces@ink.example
Reported-Domain: ink.example
Reported-Domain: mail.ink.example

--_----------=_17633785000000000333
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
Content-Type: message/rfc822

Received: from mta-002.rr.example.com (mta-002.rr.example.com
  [192.0.2.22]) by mxg.senderscore.example.net (Postfix) with ESMTP id FFFFFFFFFF0
  for <fbl@senderscore.example.net>; Tue, 17 Nov 2026 20:24:00 +0900 (JST)
Subject: Cartridges, 30% off this week
From: Ink Corner <news@ink.example>
Message-Id: <rp-many-1@ink.example>
Date: Tue, 17 Nov 2026 11:23:00 +0000
Content-Transfer-Encoding: 7bit

Our best prices of the year.

`),
        expect: {
          published: people.map((email) => ({
            topic: 'complaint' as const,
            email,
            data: { kind: 'arf', feedbackType: 'abuse', userAgent: 'ReturnPathFBL/1.0' },
            by: 'original-rcpt-to',
            scope: 'marketing' as const,
          })),
        },
      };
    },
  },
  {
    name: 'abusix-spamtrap',
    models:
      'sisimai set-of-emails maildir/bsd/arf-17.eml: abusix spamtrap hit, Auto-Submitted, Message-ID without brackets, Original-Envelope-Id first, two Original-Rcpt-To, Mime-Version "1.0 (1.0)" in the original',
    build: (c) => {
      const traps = [c.addr('trap-a', 'example.com'), c.addr('trap-b', 'example.net')];
      return {
        raw: lf(mail`
Received: from mta-02.abusix.example.org (localhost [127.0.0.1])
	by f0.abusix.example.org (Postfix) with ESMTP id 3333333333AAA
	for <${c.abuse}>; Tue, 17 Nov 2026 11:30:00 +0000 (UTC)
MIME-Version: 1.0
Content-Type: multipart/report; report-type="feedback-report";
  boundary="==a000000000222222222220000000bbb=="
From: no-reply@abusix.example.org
To: ${c.abuse}
Subject: Spamtraphit by 192.0.2.3 Tue, 17 Nov 2026 11:29:00 +0000 [no-reply]
Message-ID: 111111-AAAAAA-33-ARF
Auto-Submitted: auto-generated

--==a000000000222222222220000000bbb==
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit

Hello,

this is an autogenerated email abuse complaint regarding your network.
Please see attachments for more specific information regarding this incident.

--==a000000000222222222220000000bbb==
Content-Type: message/feedback-report
MIME-Version: 1.0

Original-Envelope-Id: 111111-AAAAAA-33
Feedback-Type: abuse
Original-Mail-From: bounces@ink.example
User-Agent: abusix-py/0.1
Version: 1
Original-Rcpt-To: ${traps[0]}
Original-Rcpt-To: ${traps[1]}
Arrival-Date: Tue, 17 Nov 2026 11:29:00 +0000
Source-IP: 192.0.2.3

--==a000000000222222222220000000bbb==
Content-Type: message/rfc822
MIME-Version: 1.0

Received: from [192.0.2.3] ([192.0.2.3])
  by trap.example.org (trap) with ESMTP (betamax) id 111111-AAAAAA-33;
  Tue, 17 Nov 2026 11:29:00 +0000
Subject: Cartridges, 30% off this week 
From: "Ink Corner" <news@ink.example>
Content-Type: text/plain; charset=us-ascii
Message-Id: <ABUSIX-0000-1111-2222-333344445555@ink.example>
Date: Tue, 17 Nov 2026 03:28:00 -0800
To: ${traps[0]}
Content-Transfer-Encoding: quoted-printable
Mime-Version: 1.0 (1.0)

Our best prices of the year.

--==a000000000222222222220000000bbb==--
`),
        expect: {
          published: traps.map((email) => ({
            topic: 'complaint' as const,
            email,
            data: { kind: 'arf', userAgent: 'abusix-py/0.1', arrivalDate: '2026-11-17T11:29:00.000Z' },
            by: 'original-rcpt-to',
            scope: 'marketing' as const,
          })),
        },
      };
    },
  },
  {
    name: 'rackspace-hashed-recipient',
    models:
      'sisimai set-of-emails maildir/bsd/arf-25.eml: Rackspace report by ReturnPathFBL/2.0, unquoted 64-hex boundary on a folded line, quoted-printable human part, Original-Rcpt-To with a hashed local part, the original replaced by "REDACTED"',
    build: (c) => ({
      raw: lf(mail`
Return-path: <fbl+bn123@bounce.mailstream.example.net>
Envelope-to: ${c.abuse}
Delivery-date: Tue, 17 Nov 2026 12:32:58 +0100
Received: from mrd.us-east-1a.returnpath.example.net ([192.0.2.4])
	by mx.ink.example with esmtps (TLSv1.2:AES128-GCM-SHA256:128)
	(Exim 4.96)
	(envelope-from <fbl@bounce.mailstream.example.net>)
	id 1tAbCd-000123-XY
	for ${c.abuse}; Tue, 17 Nov 2026 12:32:56 +0100
Date: Tue, 17 Nov 2026 11:32:53 +0000
Mime-Version: 1.0
X-Rp-Fbl: type=arf; subscriptionID=abcd
Content-Type: multipart/report; report-type=feedback-report;
 boundary=9f1c2e3d4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
Message-Id: <01abcd.fbl@bounce.mailstream.example.net>
To: ${c.abuse}
Subject: Rackspace Abuse Report
From: Rackspace FBL Service <feedbackloop@rackspacefbl.example.net>


--9f1c2e3d4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

This is a Rackspace Abuse Report for an email message received from domain =
ink.example, IP 192.0.2.10, on Tue, 17 Nov 2026 11:02:57 +0000.

--9f1c2e3d4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
Content-Type: message/feedback-report

Source-Ip: 192.0.2.10
User-Agent: ReturnPathFBL/2.0
Original-Rcpt-To: hashed@example.com
Reported-Domain: ink.example
Original-Mail-From: bounces@ink.example
Source: Rackspace
Abuse-Type: complaint
Subscription-Link: https://fbl.returnpath.example.net/manage/subscriptions/abcd
Feedback-Type: abuse
Version: 1
Arrival-Date: Tue, 17 Nov 2026 11:02:57 +0000


--9f1c2e3d4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
Content-Type: message/rfc822

REDACTED

--9f1c2e3d4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0--
`),
      expect: { quarantined: 'arf-unattributable' },
    }),
  },
  {
    name: 'aol-scomp-redacted-token',
    models:
      'the AOL SComp feedback-loop shape (User-Agent "AOL SComp", Version 0.1, the original enclosed as message/rfc822 with the recipient replaced by "redacted") on the layout of sisimai arf-02; attributed by our token; CRLF',
    build: (c) => {
      const email = c.addr('aol', 'aol.example.com');
      const token = c.token({ email });
      return {
        raw: crlf(mail`
Return-Path: <scomp@aol.example.net>
Date: Tue, 17 Nov 2026 06:40:00 -0500
From: scomp@aol.example.net
To: ${c.abuse}
Message-Id: <202611171140.aBcDeFgH012345@scomp.aol.example.net>
Subject: Email Feedback Report for IP 192.0.2.10
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
	boundary="boundary-1234-56789-0123456-7890"

--boundary-1234-56789-0123456-7890
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP 192.0.2.10 on Tue, 17 Nov 2026 06:39:00 EST.
For information, please review the top portion of the following page:
http://postmaster.aol.example.net/tools/fbl.html

--boundary-1234-56789-0123456-7890
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: AOL SComp
Version: 0.1
Received-Date: Tue, 17 Nov 2026 06:39:00 EST
Source-IP: 192.0.2.10
Reported-Domain: ink.example
Redacted-Address: redacted


--boundary-1234-56789-0123456-7890
Content-Type: message/rfc822
Content-Disposition: inline

Return-Path: <bounces@ink.example>
Received: from mta7.ink.example (mta7.ink.example [192.0.2.10]) by mtain-df01.aol.example.net (Internet Inbound) with ESMTP id 7F3C6380000A2
	for <redacted>; Tue, 17 Nov 2026 06:39:00 -0500 (EST)
${ours({ to: 'redacted@aol.example.com', id: 'aol-1', token })}
--boundary-1234-56789-0123456-7890--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email,
              data: { kind: 'arf', userAgent: 'AOL SComp' },
              by: 'recipient-token',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'rfc5965-complete-original-rcpt-to',
    models:
      'RFC 5965 Appendix B.2 (complete report): Original-Mail-From, Original-Rcpt-To, Arrival-Date, Reporting-MTA, Source-IP, Authentication-Results, Reported-Domain, Reported-URI, the original as text/rfc822-headers; CRLF',
    build: (c) => {
      const to = c.addr('rfc5965-b2', 'example.com');
      return {
        raw: crlf(mail`
From: <abusedesk@example.com>
Date: Tue, 17 Nov 2026 11:40:00 +0000
Subject: FW: Cartridges, 30% off this week
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
     boundary="part1_13d.2e68ed54_boundary"

--part1_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP
192.0.2.1 on Tue, 17 Nov 2026 11:39:00 +0000.  For more information
about this format please see http://www.mipassoc.org/arf/.

--part1_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <bounces@ink.example>
Original-Rcpt-To: <${to}>
Arrival-Date: Tue, 17 Nov 2026 11:39:00 +0000
Reporting-MTA: dns; mail.example.com
Source-IP: 192.0.2.1
Authentication-Results: mail.example.com;
               spf=pass smtp.mail=bounces@ink.example
Reported-Domain: ink.example
Reported-Uri: http://ink.example/sale

--part1_13d.2e68ed54_boundary
Content-Type: text/rfc822-headers

Received: from mailserver.ink.example (mailserver.ink.example [192.0.2.1])
        by mail.example.com with ESMTP id M63d4137594e46;
        Tue, 17 Nov 2026 11:38:00 +0000
${ours({ to: `<${to}>`, id: 'rfc5965-b2-1', body: false })}

--part1_13d.2e68ed54_boundary--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: {
                kind: 'arf',
                feedbackType: 'abuse',
                userAgent: 'SomeGenerator/1.0',
                reportedDomain: 'ink.example',
                arrivalDate: '2026-11-17T11:39:00.000Z',
                originalMessageId: '<rfc5965-b2-1@ink.example>',
              },
              by: 'original-rcpt-to',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'arf-no-rcpt-to-single-plain-to',
    models:
      'sisimai set-of-emails maildir/bsd/arf-18.eml layout (Ecelerity-generated ARF, folded boundary with "/" and "=" characters) as a Feedback-Type abuse report without Original-Rcpt-To: the original names one plain To, which is the complainant (issue 10, defect 2)',
    build: (c) => {
      const to = c.addr('arf-to-fallback', 'example.org');
      return {
        raw: lf(mail`
Received: from [127.0.0.1] ([localhost])
	by fbl.example.org (envelope-from <fbl-noreply@example.org>)
	(ecelerity 4.2.1 r(Core:4.2.1.0)) with UNKNOWN
	id 33/33-11111-11111336; Tue, 17 Nov 2026 11:45:00 +0000
Date: Tue, 17 Nov 2026 11:45:00 +0000
Message-ID: <33.330000.1111.11111300@example.org>
Subject: Complaint report for ink.example
To: ${c.abuse}
From: fbl-noreply@example.org
Content-Type: multipart/report; report-type=feedback-report;
    boundary="_----InkCorner/333nnn300===_33/11-33113-11111336"

--_----InkCorner/333nnn300===_33/11-33113-11111336
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP 192.0.2.222 on Tue, 17 Nov 2026 11:44:00 +0000.

--_----InkCorner/333nnn300===_33/11-33113-11111336
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Lua/1.0
Version: 1.0
Original-Mail-From: bounces@ink.example
Arrival-Date: Tue, 17 Nov 2026 11:44:00 +0000
Source-IP: 192.0.2.222
Reported-Domain: ink.example

--_----InkCorner/333nnn300===_33/11-33113-11111336
Content-Type: message/rfc822
Content-Disposition: inline

Received: from [192.0.2.222] ([192.0.2.222:222] helo=mta7.ink.example)
	by example.org (envelope-from <bounces@ink.example>)
	(ecelerity 4.2.1 r(Core:4.2.1.0)) with ESMTPS (cipher=AES256-GCM-SHA384)
	id 33/11-11111-AAAAAAAA; Tue, 17 Nov 2026 11:44:00 +0000
${ours({ to, id: 'arf-to-fallback-1' })}
--_----InkCorner/333nnn300===_33/11-33113-11111336--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: { kind: 'arf', userAgent: 'Lua/1.0' },
              by: 'to',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'arf-no-rcpt-to-delivered-to',
    models:
      'sisimai set-of-emails maildir/bsd/arf-19.eml original headers (Delivered-To and X-Original-To before a display-name To) in a Feedback-Type abuse report with text/rfc822-headers; charset param; the Delivered-To names the person',
    build: (c) => {
      const to = c.addr('arf-delivered', 'example.com');
      return {
        raw: lf(mail`
Return-Path: fbl@mail.example.com
MIME-Version: 1.0
Content-Type: multipart/report; report-type="feedback-report";
 boundary="===============11111111113333300=="
From: <fbl@mail.example.com>
Subject: Spam report
Date: Tue, 17 Nov 2026 20:50:00 +0900
To: ${c.abuse}
Message-Id: <FBL33333.111111.22222@fbl.mail.example.com>

--===============11111111113333300==
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit

A user of mail.example.com reported the message below as spam.
--===============11111111113333300==
Content-Type: message/feedback-report
MIME-Version: 1.0

Feedback-Type: abuse
User-Agent: MailFBL/1.0
Version: 1
Original-Mail-From: <bounces@ink.example>
Arrival-Date: Tue, 17 Nov 2026 20:49:00 +0900
Source-IP: 192.0.2.10
Reported-Domain: ink.example
--===============11111111113333300==
Content-Type: text/rfc822-headers; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit

Received: from mta7.ink.example (unknown [192.0.2.10])
	by mx1.mail.example.com (Coremail) with SMTP id AAAA;
	Tue, 17 Nov 2026 20:49:00 +0900 (JST)
X-Original-To: ${to}
Delivered-To: ${to}
Date: Tue, 17 Nov 2026 11:48:00 +0000 (UTC)
From: <news@ink.example>
To: "A valued customer" <${to}>
Message-ID: <arf-delivered-1@ink.example>
MIME-Version: 1.0
Subject: Cartridges, 30% off this week
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

--===============11111111113333300==--
`),
        expect: {
          published: [
            { topic: 'complaint', email: to, data: { kind: 'arf' }, by: 'delivered-to', scope: 'marketing' },
          ],
        },
      };
    },
  },
  {
    name: 'arf-fraud-feedback-type',
    models:
      'RFC 5965 §7.3 Feedback-Type registry value "fraud" in the sisimai arf-02 layout (Yahoo-like, named Original-Rcpt-To with angle brackets and rfc822; prefix); CRLF',
    build: (c) => {
      const to = c.addr('fraud', 'mail.example.org');
      return {
        raw: crlf(mail`
MIME-Version: 1.0
Content-Type: multipart/report; 
    boundary="_----------=F1111111111111111111111"; 
    report-type="feedback-report"
Date: Tue, 17 Nov 2026 03:55:00 -0800
From: Mail AntiSpam Feedback <feedback@arf.mail.example.org>
To: ${c.abuse}
Subject: Fw: Your account needs attention

--_----------=F1111111111111111111111
Content-Type: text/plain; charset="US-ASCII"

This is an email fraud report for an email message received from mta7.ink.example.

--_----------=F1111111111111111111111
Content-Type: message/feedback-report

Feedback-Type: fraud
User-Agent: Yahoo!-Mail-Feedback/1.0
Version: 1
Original-Rcpt-To: rfc822; <${to}>
Arrival-Date: Tue, 17 Nov 2026 11:54:00 +0000

--_----------=F1111111111111111111111
Content-Type: message/rfc822

${ours({ to, id: 'fraud-1' })}
--_----------=F1111111111111111111111--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: { kind: 'arf', feedbackType: 'fraud' },
              by: 'original-rcpt-to',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'arf-token-wins-over-forwarding-rcpt-to',
    models:
      'sisimai set-of-emails maildir/bsd/arf-02.eml where X-Apparently-To (the forwarding address the provider saw) differs from the person: Original-Rcpt-To is the forwarding alias, our X-SP-Recipient-Token names the subscriber, and our evidence wins (issue 10, defect 2)',
    build: (c) => {
      const person = c.addr('token-wins');
      const alias = c.addr('alias-of-token-wins', 'mail.example.org');
      const token = c.token({ email: person, campaignId: 'c-alias' });
      return {
        raw: lf(mail`
MIME-Version: 1.0
Content-Type: multipart/report; 
    boundary="_----------=F2222222222222222222222"; 
    report-type="feedback-report"
Date: Tue, 17 Nov 2026 04:00:00 -0800
From: Mail AntiSpam Feedback <feedback@arf.mail.example.org>
To: ${c.abuse}
Subject: Fw: Cartridges, 30% off this week

--_----------=F2222222222222222222222
Content-Type: text/plain; charset="US-ASCII"

This is an email abuse report.

--_----------=F2222222222222222222222
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Yahoo!-Mail-Feedback/1.0
Version: 0.1
Original-Rcpt-To: ${alias}
Reported-Domain: ink.example

--_----------=F2222222222222222222222
Content-Type: message/rfc822

X-Apparently-To: ${alias} via 198.51.100.45; Tue, 17 Nov 2026 03:59:00 -0800
${ours({ to: person, id: 'token-wins-1', token })}
--_----------=F2222222222222222222222--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: person,
              data: { kind: 'arf', campaignId: 'c-alias' },
              by: 'recipient-token',
              scope: 'marketing',
            },
          ],
          unaffected: [alias],
        },
      };
    },
  },
  {
    name: 'mailru-fbl-named',
    models:
      'Mail.Ru\'s FBL as its postmaster blog describes it ("FBL for your domains"): RFC 5965 ARF with the complainant\'s address in Original-Rcpt-To and the whole original attached, which carries the X-Mailru-Msgtype header Mail.Ru asks bulk senders to set; unquoted boundary, CRLF',
    build: (c) => {
      const to = c.addr('mailru', 'mail.example.ru');
      return {
        raw: crlf(mail`
From: FBL <fbl@corp.mail.example.ru>
Date: Tue, 17 Nov 2026 15:40:00 +0300
Subject: FW: Cartridges, 30% off this week
To: <${c.abuse}>
Message-ID: <fbl.1763383200.271828@corp.mail.example.ru>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
	boundary=part1_mru.5f3c2a10_boundary

--part1_mru.5f3c2a10_boundary
Content-Type: text/plain; charset=US-ASCII
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP
192.0.2.10 on Tue, 17 Nov 2026 15:39:00 +0300.

--part1_mru.5f3c2a10_boundary
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Mail.Ru-FBL/1.0
Version: 1
Original-Mail-From: <bounces@ink.example>
Original-Rcpt-To: <${to}>
Arrival-Date: Tue, 17 Nov 2026 15:39:00 +0300
Source-IP: 192.0.2.10

--part1_mru.5f3c2a10_boundary
Content-Type: message/rfc822
Content-Disposition: inline

Received: from mta7.ink.example (mta7.ink.example [192.0.2.10])
	by mxs.mail.example.ru with esmtp (envelope-from <bounces@ink.example>)
	id 1tAbCd-0001Xy-9Z
	for ${to}; Tue, 17 Nov 2026 15:39:00 +0300
${ours({ to, id: 'mailru-1', extra: ['X-Mailru-Msgtype: ink-weekly'] })}
--part1_mru.5f3c2a10_boundary--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: { kind: 'arf', userAgent: 'Mail.Ru-FBL/1.0', arrivalDate: '2026-11-17T12:39:00.000Z' },
              by: 'original-rcpt-to',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
];
