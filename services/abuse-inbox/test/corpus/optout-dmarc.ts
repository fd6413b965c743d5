// ARF reports that are not complaints: DMARC/SPF/DKIM auth-failure reports (RFC 6591; kept for
// review, never suppress), not-spam, and RFC 6650 removal requests (Feedback-Type opt-out /
// opt-out-list with Removal-Recipient: an email-marketing opt-out, R-AB-5).
import { crlf, type Fixture, lf, mail } from './fixture';

export const dmarcFixtures: Fixture[] = [
  {
    name: 'dmarc-forensic-ecelerity',
    models:
      'sisimai set-of-emails maildir/bsd/arf-18.eml: "DMARC Forensic report", Feedback-Type auth-failure with Original-Rcpt-To, Delivery-Result, Auth-Failure: dmarc, the original as message/rfc822',
    build: (c) => {
      const rcpt = c.addr('dmarc-ecel', 'example.com');
      return {
        raw: lf(mail`
Received: from [127.0.0.1] ([localhost])
	by dmarc.example.com (envelope-from <dmarc-noreply@example.com>)
	(ecelerity 4.2.1 r(Core:4.2.1.0)) with UNKNOWN
	id 44/44-00000-00000445; Tue, 17 Nov 2026 13:00:00 +0000
Date: Tue, 17 Nov 2026 13:00:00 +0000
Message-ID: <44.440000.0000.00000400@example.com>
Subject: DMARC Forensic report for ink.example Mail-From:bounces@ink.example IP:192.0.2.222
To: ${c.abuse}
From: dmarc-noreply@example.com
Content-Type: multipart/report; report-type=feedback-report;
    boundary="_----DmarcRep/444nnn300===_44/00-44004-00000445"

--_----DmarcRep/444nnn300===_44/00-44004-00000445
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP 192.0.2.222 on Tue, 17 Nov 2026 12:59:00 +0000.
The message below did not meet the sending domain's dmarc policy.

--_----DmarcRep/444nnn300===_44/00-44004-00000445
Content-Type: message/feedback-report

Feedback-Type: auth-failure
User-Agent: Lua/1.0
Version: 1.0
Original-Mail-From: bounces@ink.example
Original-Rcpt-To: ${rcpt}
Arrival-Date: Tue, 17 Nov 2026 12:59:00 +0000
Message-ID: <dmarc-ecel-1@ink.example>
Authentication-Results: dmarc=fail (p=none; dis=none) header.from=ink.example
Source-IP: 192.0.2.222
Delivery-Result: delivered
Auth-Failure: dmarc
Reported-Domain: ink.example

--_----DmarcRep/444nnn300===_44/00-44004-00000445
Content-Type: message/rfc822
Content-Disposition: inline

Date: Tue, 17 Nov 2026 12:58:00 +0000
From: Ink Corner <news@ink.example>
To: ${rcpt}
Message-ID: <dmarc-ecel-1@ink.example>
Subject: Cartridges, 30% off this week
MIME-Version: 1.0
Content-Type: text/plain

Our best prices of the year.

--_----DmarcRep/444nnn300===_44/00-44004-00000445--
`),
        expect: { quarantined: 'arf-feedback-type-auth-failure', unaffected: [rcpt] },
      };
    },
  },
  {
    name: 'dmarc-netease-headers',
    models:
      'sisimai set-of-emails maildir/bsd/arf-19.eml: NtesDmarcReporter auth-failure, MIME-Version inside each part, long Authentication-Results, DKIM-Domain, text/rfc822-headers; charset="us-ascii" with Delivered-To',
    build: (c) => {
      const rcpt = c.addr('dmarc-ntes', 'example.org');
      return {
        raw: lf(mail`
Return-Path: dmarc-report@mail.example.net
MIME-Version: 1.0
Content-Type: multipart/report; report-type="feedback-report";
 boundary="===============22222222224444400=="
From: <dmarc-report@mail.example.net>
Subject: DMARC failure report
Date: Tue, 17 Nov 2026 22:05:00 +0900
To: ${c.abuse}
Message-Id: <DMARC44444.000000.00000@r1.mail.example.net>

--===============22222222224444400==
Content-Type: text/plain; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit

This is a spf/dkim authentication-failure report for an email message received from IP 192.0.2.127 on Tue, 17 Nov 2026 22:04:00 +0900.
 1. SPF-authenticated Identifiers: bounces.ink.example;
 2. DKIM-authenticated Identifiers: none;
 3. DMARC Mechanism Check Result: Identifier non-aligned, DMARC mechanism check failures;
--===============22222222224444400==
Content-Type: message/feedback-report
MIME-Version: 1.0

Feedback-Type: auth-failure
User-Agent: NtesDmarcReporter/1.0
Version: 1
Original-Mail-From: <bounces@bounces.ink.example>
Arrival-Date: Tue, 17 Nov 2026 22:04:00 +0900
Source-IP: 192.0.2.127
Reported-Domain: ink.example
Original-Envelope-Id: eeeeeeeeeeeeeeeeeeee44--.000000
Authentication-Results: mail.example.net; dkim=fail (signature error: RSA verify failed) header.d=ink.example; spf=pass smtp.mailfrom=bounces@bounces.ink.example
DKIM-Domain: ink.example
Delivery-Result: delivered
--===============22222222224444400==
Content-Type: text/rfc822-headers; charset="us-ascii"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit

X-Original-To: ${rcpt}
Delivered-To: ${rcpt}
Date: Tue, 17 Nov 2026 13:03:00 +0000 (UTC)
From: <news@ink.example>
To: <${rcpt}>
Message-ID: <dmarc-ntes-1@ink.example>
MIME-Version: 1.0
Subject: Cartridges, 30% off this week
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

--===============22222222224444400==--
`),
        expect: { quarantined: 'arf-feedback-type-auth-failure', unaffected: [rcpt] },
      };
    },
  },
  {
    name: 'dmarc-opendmarc',
    models:
      'sisimai set-of-emails maildir/bsd/arf-20.eml: OpenDMARC Filter, Content-Type parameters each on a tab-folded line, boundary with a colon ("host:ID"), tab-folded Authentication-Results in text/rfc822-headers',
    build: (c) => {
      const rcpt = c.addr('dmarc-open', 'example.net');
      return {
        raw: lf(mail`
Return-Path: opendmarc-postmaster@example.net
From: OpenDMARC Filter <opendmarc-postmaster@example.net>
To: ${c.abuse}
Date: Tue, 17 Nov 2026 13:10:00 +0000 (UTC)
Subject: FW: Cartridges, 30% off this week
MIME-Version: 1.0
Content-Type: multipart/report;
	report-type=feedback-report;
	boundary="example.net:4B7C1A2D"
Message-Id: <20261117131000.4B7C1A2D0000@example.net>

--example.net:4B7C1A2D
Content-Type: text/plain

This is an authentication failure report for an email message received from IP
192.0.2.127 on Tue, 17 Nov 2026 13:09:00 +0000 (UTC).

--example.net:4B7C1A2D
Content-Type: message/feedback-report

Feedback-Type: auth-failure
Version: 1
User-Agent: OpenDMARC-Filter/1.4.2
Auth-Failure: dmarc
Authentication-Results: example.net; dmarc=fail header.from=ink.example
Original-Envelope-Id: 4B7C1A2D
Original-Mail-From: bounces@ink.example
Source-IP: 192.0.2.127
Reported-Domain: ink.example

--example.net:4B7C1A2D
Content-Type: text/rfc822-headers

Authentication-Results: example.net;
	dkim=fail reason="signature verification failed" (2048-bit key; unprotected) header.d=ink.example header.i=@ink.example header.b=AbCdEf;
	dkim-atps=neutral
Received: from mta7.ink.example (mta7.ink.example [192.0.2.127])
 by mx.example.net (Postfix) with ESMTPS id AAAAAAAA444
 for <${rcpt}>; Tue, 17 Nov 2026 13:09:00 +0000 (UTC)
Date: Tue, 17 Nov 2026 13:08:00 +0000 (UTC)
From: <news@ink.example>
To: <${rcpt}>
Message-ID: <dmarc-open-1@ink.example>
MIME-Version: 1.0
Subject: Cartridges, 30% off this week
Content-Type: text/plain;

--example.net:4B7C1A2D--
`),
        expect: { quarantined: 'arf-feedback-type-auth-failure', unaffected: [rcpt] },
      };
    },
  },
  {
    name: 'rfc6591-dkim-failure',
    models:
      'RFC 6591 §A.1 (DKIM failure report): Feedback-Type auth-failure with Auth-Failure: signature, DKIM-Domain, DKIM-Identity, DKIM-Selector, the original as text/rfc822-headers and our token in it: still never a suppression; CRLF',
    build: (c) => {
      const person = c.addr('dkim-fail');
      const token = c.token({ email: person });
      return {
        raw: crlf(mail`
From: dkim-reporter@example.net
To: ${c.abuse}
Subject: DKIM failure report for ink.example
Date: Tue, 17 Nov 2026 13:15:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
    boundary="dkim-fail-report-1"

--dkim-fail-report-1
Content-Type: text/plain

A DKIM signature of ink.example failed to verify.

--dkim-fail-report-1
Content-Type: message/feedback-report

Feedback-Type: auth-failure
User-Agent: SomeDKIMFilter/1.0
Version: 1
Original-Mail-From: <bounces@ink.example>
Original-Rcpt-To: <${person}>
Received-Date: Tue, 17 Nov 2026 13:14:00 +0000
Source-IP: 192.0.2.1
Authentication-Results: mail.example.net; dkim=fail reason="bad signature" header.i=@ink.example
Reported-Domain: ink.example
Auth-Failure: signature
DKIM-Domain: ink.example
DKIM-Identity: @ink.example
DKIM-Selector: s1

--dkim-fail-report-1
Content-Type: text/rfc822-headers

DKIM-Signature: v=1; a=rsa-sha256; d=ink.example; s=s1; c=relaxed/simple;
    h=from:to:subject:date; bh=placeholder; b=placeholder
From: Ink Corner <news@ink.example>
To: <${person}>
Subject: Cartridges, 30% off this week
Date: Tue, 17 Nov 2026 13:13:00 +0000
Message-ID: <dkim-fail-1@ink.example>
X-SP-Recipient-Token: ${token}

--dkim-fail-report-1--
`),
        expect: { quarantined: 'arf-feedback-type-auth-failure', unaffected: [person] },
      };
    },
  },
  {
    name: 'not-spam-report',
    models:
      'RFC 6650 §3 "not-spam" Feedback-Type (a user moved the mail out of the spam folder) in the sisimai arf-11 layout: recorded for an operator, never a suppression',
    build: (c) => {
      const rcpt = c.addr('not-spam');
      return {
        raw: lf(mail`
From: <fbl@mail.example.com>
Date: Tue, 17 Nov 2026 13:20:00 +0000
Subject: FW: Cartridges, 30% off this week
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="notspam_000.111111111_b"

--notspam_000.111111111_b
Content-Type: text/plain; charset="US-ASCII"

A user marked this message as not spam.

--notspam_000.111111111_b
Content-Type: message/feedback-report

Feedback-Type: not-spam
User-Agent: MailFBL/1.0
Version: 1
Original-Rcpt-To: ${rcpt}

--notspam_000.111111111_b
Content-Type: message/rfc822
Content-Disposition: inline

From: <news@ink.example>
To: ${rcpt}
Subject: Cartridges, 30% off this week
Message-ID: <not-spam-1@ink.example>
Date: Tue, 17 Nov 2026 13:19:00 +0000

Our best prices of the year.
--notspam_000.111111111_b--
`),
        expect: { quarantined: 'arf-feedback-type-not-spam', unaffected: [rcpt] },
      };
    },
  },
];

export const optOutFixtures: Fixture[] = [
  {
    name: 'arf-opt-out-removal-recipient',
    models:
      'sisimai set-of-emails maildir/bsd/arf-12.eml: Feedback-Type opt-out with Removal-Recipient, boundary on a folded line, the original as "text/rfc822-header" (singular, as seen in the wild) with To: <Undisclosed Recipients> and a body after the headers',
    build: (c) => {
      const email = c.addr('optout-arf12', 'example.com');
      return {
        raw: lf(mail`
From: <fbl@mail.example.net>
Date: Tue, 17 Nov 2026 22:30:00 JST
Subject: FW: Cartridges, 30% off this week
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
 boundary="bx2222_00.aaaaaaaaaaaa"

--bx2222_00.aaaaaaaaaaaa
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an opt-out report for an email message received from IP
192.0.2.89 on Tue, 17 Nov 2026 22:29:00 JST.

--bx2222_00.aaaaaaaaaaaa
Content-Type: message/feedback-report

Feedback-Type: opt-out
User-Agent: ARF-Agent/1.0
Version: 0.1
Removal-Recipient: ${email}

--bx2222_00.aaaaaaaaaaaa
Content-Type: text/rfc822-header

From: <news@ink.example>
Received: from mta7.ink.example (mta7.ink.example [192.0.2.89]) 
    by mx.mail.example.net with ESMTP id aaaaaaaaaaaa00; Tue, 17 Nov 2026 22:29:00 +0900
To: <Undisclosed Recipients>
Subject: Cartridges, 30% off this week
MIME-Version: 1.0
Content-type: text/plain
Message-ID: 1111111111111111111111111@ink.example
Date: Tue, 17 Nov 2026 22:28:00 +0900

Our best prices
--bx2222_00.aaaaaaaaaaaa--
`),
        expect: {
          published: [
            {
              topic: 'optout',
              email,
              data: { method: 'feedback-report' },
              by: 'removal-recipient',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'arf-opt-out-list-token-topic',
    models:
      'RFC 6650 §4 opt-out-list (remove from the one list) with Removal-Recipient, in the RFC 5965 B.2 layout; our token in the original names the newsletter (topic) it came from',
    build: (c) => {
      const email = c.addr('optout-list');
      const token = c.token({ email, topic: 'Printer tips', campaignId: 'pt-11' });
      return {
        raw: crlf(mail`
From: <fbl@mail.example.com>
Date: Tue, 17 Nov 2026 13:35:00 +0000
Subject: FW: Printer tips, November
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
     boundary="optoutlist_13d.2e68ed54_boundary"

--optoutlist_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"

The recipient asked to be removed from this list.

--optoutlist_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: opt-out-list
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <bounces@ink.example>
Removal-Recipient: <${email}>
Arrival-Date: Tue, 17 Nov 2026 13:34:00 +0000
Reported-Domain: ink.example

--optoutlist_13d.2e68ed54_boundary
Content-Type: text/rfc822-headers

From: Ink Corner <news@ink.example>
To: <${email}>
Subject: Printer tips, November
List-Id: Printer tips <printer-tips.ink.example>
Message-ID: <optout-list-1@ink.example>
Date: Tue, 17 Nov 2026 13:33:00 +0000
X-SP-Recipient-Token: ${token}

--optoutlist_13d.2e68ed54_boundary--
`),
        expect: {
          published: [
            {
              topic: 'optout',
              email,
              data: { method: 'feedback-report', topic: 'Printer tips', campaignId: 'pt-11' },
              by: 'removal-recipient',
              scope: { topic: 'Printer tips' },
            },
          ],
        },
      };
    },
  },
  {
    name: 'arf-opt-out-list-without-evidence',
    models:
      'RFC 6650 opt-out-list with Removal-Recipient but nothing of ours saying which list: when in doubt, all marketing email (sisimai arf-12 layout)',
    build: (c) => {
      const email = c.addr('optout-list-any');
      return {
        raw: lf(mail`
From: <fbl@mail.example.net>
Date: Tue, 17 Nov 2026 13:40:00 +0000
Subject: FW: Cartridges
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
 boundary="bx3333_00.bbbbbbbbbbbb"

--bx3333_00.bbbbbbbbbbbb
Content-Type: text/plain; charset="US-ASCII"

This is an opt-out report.

--bx3333_00.bbbbbbbbbbbb
Content-Type: message/feedback-report

Feedback-Type: opt-out-list
User-Agent: ARF-Agent/1.0
Version: 1
Removal-Recipient: ${email}

--bx3333_00.bbbbbbbbbbbb
Content-Type: text/rfc822-headers

From: <news@ink.example>
To: <Undisclosed Recipients>
Subject: Cartridges
Message-ID: <optout-list-any-1@ink.example>

--bx3333_00.bbbbbbbbbbbb--
`),
        expect: {
          published: [
            {
              topic: 'optout',
              email,
              data: { method: 'feedback-report', topic: '*' },
              by: 'removal-recipient',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'arf-opt-out-two-removal-recipients',
    models:
      'RFC 5965 §3.2: Removal-Recipient "may appear more than once"; two addresses (one with angle brackets) in one opt-out report; CRLF',
    build: (c) => {
      const a = c.addr('optout-two-a');
      const b = c.addr('optout-two-b', 'example.org');
      return {
        raw: crlf(mail`
From: <fbl@mail.example.net>
Date: Tue, 17 Nov 2026 13:45:00 +0000
Subject: Opt-out request
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="two-removals"

--two-removals
Content-Type: text/plain

Two recipients asked to be removed.

--two-removals
Content-Type: message/feedback-report

Feedback-Type: opt-out
User-Agent: ARF-Agent/1.0
Version: 1
Removal-Recipient: ${a}
Removal-Recipient: <${b}>

--two-removals
Content-Type: text/rfc822-headers

From: <news@ink.example>
To: <Undisclosed Recipients>
Subject: Cartridges
Message-ID: <optout-two-1@ink.example>

--two-removals--
`),
        expect: {
          published: [
            { topic: 'optout', email: a, data: { method: 'feedback-report' }, scope: 'marketing' },
            { topic: 'optout', email: b, data: { method: 'feedback-report' }, scope: 'marketing' },
          ],
        },
      };
    },
  },
  {
    name: 'arf-opt-out-redacted-with-token',
    models:
      'an RFC 6650 opt-out whose Removal-Recipient was redacted by the provider ("Removal-Recipient: redacted"), the original (message/rfc822) keeping our X-SP-Recipient-Token',
    build: (c) => {
      const email = c.addr('optout-redacted');
      const token = c.token({ email });
      return {
        raw: lf(mail`
From: <fbl@mail.example.net>
Date: Tue, 17 Nov 2026 13:50:00 +0000
Subject: Opt-out request
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="redacted-removal"

--redacted-removal
Content-Type: text/plain

A recipient asked to be removed.

--redacted-removal
Content-Type: message/feedback-report

Feedback-Type: opt-out
User-Agent: ARF-Agent/1.0
Version: 1
Removal-Recipient: redacted

--redacted-removal
Content-Type: message/rfc822

From: <news@ink.example>
To: redacted@mail.example.net
Subject: Cartridges
Message-ID: <optout-redacted-1@ink.example>
X-SP-Recipient-Token: ${token}

Our best prices of the year.
--redacted-removal--
`),
        expect: {
          published: [
            {
              topic: 'optout',
              email,
              data: { method: 'feedback-report' },
              by: 'recipient-token',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'arf-opt-out-nobody',
    models:
      "sisimai set-of-emails maildir/bsd/arf-12.eml with the Removal-Recipient missing and the original's To undisclosed: nobody to remove, kept for an operator",
    build: (c) => ({
      raw: lf(mail`
From: <fbl@mail.example.net>
Date: Tue, 17 Nov 2026 13:55:00 +0000
Subject: Opt-out request
To: <${c.abuse}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
 boundary="bx4444_00.cccccccccccc"

--bx4444_00.cccccccccccc
Content-Type: text/plain; charset="US-ASCII"

This is an opt-out report.

--bx4444_00.cccccccccccc
Content-Type: message/feedback-report

Feedback-Type: opt-out
User-Agent: ARF-Agent/1.0
Version: 0.1

--bx4444_00.cccccccccccc
Content-Type: text/rfc822-header

From: <news@ink.example>
To: <Undisclosed Recipients>
Subject: Cartridges
Message-ID: 2222222222222222222222222@ink.example

--bx4444_00.cccccccccccc--
`),
      expect: { quarantined: 'arf-unattributable' },
    }),
  },
];
