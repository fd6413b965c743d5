// Complaints without ARF fields: Microsoft's JMRP / Hotmail reports (multipart/mixed with the
// original attached) and people forwarding a spam to abuse@, attached or inline (R-AB-2).
import { crlf, type Fixture, lf, mail } from './fixture';

function hotmail(o: { abuse: string; boundary: string; from: string; inner: string }): string {
  return mail`
Received: from BLU004-OMC1S10.hotmail.example.com ([198.51.100.1]) by mx.ink.example
    with Microsoft SMTPSVC(7.5.7601.23008); Tue, 17 Nov 2026 12:00:00 +0000
Date: Tue, 17 Nov 2026 12:00:00 +0000
From: ${o.from}
Subject:  complaint about message from 192.0.2.222
To: ${o.abuse}
MIME-Version: 1.0 
Content-Type: multipart/mixed; boundary="${o.boundary}"
Message-ID: <BLU004-NNE-000000000000000033@BLU004-RRR.hotmail.example.com>
X-OriginalArrivalTime: 17 Nov 2026 12:00:00.0000 (UTC) FILETIME=[AAAAAAAA:01DB0000]
Return-Path: staff@hotmail.example.com

--${o.boundary}
Content-Type: message/rfc822
Content-Disposition: inline

${o.inner}
--${o.boundary}--
`;
}

function jmrpInner(o: {
  recipient: string;
  to: string;
  id: string;
  from?: string;
  extra?: string[];
}): string {
  return [
    `X-HmXmrOriginalRecipient: ${o.recipient}`,
    'X-Reporter-IP: 192.0.2.22',
    'Authentication-Results: hotmail.example.com; spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=bounces@ink.example; dkim=pass header.d=ink.example; x-hmca=pass header.id=news@ink.example',
    'X-SID-PRA: news@ink.example',
    'X-AUTH-Result: PASS',
    'X-SID-Result: PASS',
    'Received: from mta7.ink.example ([192.0.2.10]) by BAY004-MC1F18.hotmail.example.com over TLS',
    '    secured channel with Microsoft SMTPSVC(7.5.7601.23008);',
    '    Tue, 17 Nov 2026 11:58:00 +0000',
    'Date: Tue, 17 Nov 2026 11:58:00 +0100',
    `To: ${o.to}`,
    `From: ${o.from ?? 'Ink Corner <news@ink.example>'}`,
    'Subject: Cartridges, 30% off this week',
    'MIME-Version: 1.0',
    'Content-Transfer-Encoding: 8bit',
    'Content-Type: text/plain; charset="utf-8"',
    `Message-ID: <${o.id}@ink.example>`,
    ...(o.extra ?? []),
    'X-OriginalArrivalTime: 17 Nov 2026 11:58:00.0000 (UTC) FILETIME=[00000000:01DB0000]',
    '',
    'Our best prices of the year.',
    '',
  ].join('\n');
}

export const forwardedFixtures: Fixture[] = [
  {
    name: 'hotmail-jmrp-staff',
    models:
      'sisimai set-of-emails maildir/bsd/arf-22.eml: Microsoft JMRP complaint from staff@hotmail.com, multipart/mixed (no ARF fields), "MIME-Version: 1.0 " with a trailing space, X-HmXmrOriginalRecipient and To naming the person',
    build: (c) => {
      const to = c.addr('jmrp', 'hotmail.example.com');
      return {
        raw: lf(
          hotmail({
            abuse: c.abuse,
            boundary: 'A1111BBB2-3333-4444-CCD5-666666666666',
            from: 'staff@hotmail.example.com',
            inner: jmrpInner({ recipient: to, to, id: 'jmrp-1' }),
          }),
        ),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: { kind: 'forwarded', originalMessageId: '<jmrp-1@ink.example>' },
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'hotmail-jmrp-bracketed-from',
    models:
      'sisimai set-of-emails maildir/bsd/arf-23.eml: the same JMRP shape with "From: <staff@hotmail.com>" in angle brackets; CRLF as Exchange hands it on',
    build: (c) => {
      const to = c.addr('jmrp-br', 'outlook.example.com');
      return {
        raw: crlf(
          hotmail({
            abuse: c.abuse,
            boundary: 'B2222CCC3-4444-5555-DDE6-777777777777',
            from: '<staff@hotmail.example.com>',
            inner: jmrpInner({ recipient: to, to, id: 'jmrp-2' }),
          }),
        ),
        expect: {
          published: [{ topic: 'complaint', email: to, data: { kind: 'forwarded' }, scope: 'marketing' }],
        },
      };
    },
  },
  {
    name: 'hotmail-jmrp-odd-from',
    models:
      'sisimai set-of-emails maildir/bsd/arf-24.eml: JMRP whose original has a From without a dot in the domain ("name-part-looks-like-an-email-address@kyoto-japan" style)',
    build: (c) => {
      const to = c.addr('jmrp-odd', 'hotmail.example.com');
      return {
        raw: lf(
          hotmail({
            abuse: c.abuse,
            boundary: 'C3333DDD4-5555-6666-EEF7-888888888888',
            from: 'staff@hotmail.example.com',
            inner: jmrpInner({
              recipient: to,
              to,
              id: 'jmrp-3',
              from: 'display-name-looks-like-an-address@inkcorner',
            }),
          }),
        ),
        expect: {
          published: [{ topic: 'complaint', email: to, data: { kind: 'forwarded' }, scope: 'marketing' }],
        },
      };
    },
  },
  {
    name: 'hotmail-jmrp-undisclosed-to',
    models:
      'sisimai set-of-emails maildir/bsd/arf-22.eml with the original sent Bcc (To: undisclosed-recipients:;): only X-HmXmrOriginalRecipient names the Outlook.com mailbox that complained',
    build: (c) => {
      const to = c.addr('jmrp-bcc', 'hotmail.example.com');
      return {
        raw: lf(
          hotmail({
            abuse: c.abuse,
            boundary: 'D4444EEE5-6666-7777-FFA8-999999999999',
            from: 'staff@hotmail.example.com',
            inner: jmrpInner({ recipient: to, to: 'undisclosed-recipients:;', id: 'jmrp-4' }),
          }),
        ),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: to,
              data: { kind: 'forwarded' },
              by: 'x-hmxmroriginalrecipient',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'hotmail-jmrp-token',
    models:
      'sisimai set-of-emails maildir/bsd/arf-22.eml where the original carries our X-SP-Recipient-Token: our evidence names the subscriber (and the campaign) even if the mailbox is an alias',
    build: (c) => {
      const person = c.addr('jmrp-token');
      const alias = c.addr('jmrp-token-alias', 'hotmail.example.com');
      const token = c.token({ email: person, campaignId: 'jmrp-campaign' });
      return {
        raw: crlf(
          hotmail({
            abuse: c.abuse,
            boundary: 'E5555FFF6-7777-8888-AAB9-AAAAAAAAAAAA',
            from: 'staff@hotmail.example.com',
            inner: jmrpInner({
              recipient: alias,
              to: alias,
              id: 'jmrp-5',
              extra: [`X-SP-Recipient-Token: ${token}`],
            }),
          }),
        ),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: person,
              data: { kind: 'forwarded', campaignId: 'jmrp-campaign' },
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
    name: 'forward-as-attachment-thunderbird',
    models:
      "a person's \"Forward as Attachment\" (Thunderbird): multipart/mixed, a short note, the spam as message/rfc822 with name/filename .eml; the original keeps Delivered-To from the person's provider (as in sisimai arf-02's headers)",
    build: (c) => {
      const person = c.addr('tb-forward', 'example.org');
      return {
        raw: crlf(mail`
Message-ID: <5f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0@example.org>
Date: Tue, 17 Nov 2026 12:10:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-US
To: ${c.abuse}
From: A Person <${person}>
Subject: Fwd: Cartridges, 30% off this week
Content-Type: multipart/mixed;
 boundary="------------0A1B2C3D4E5F6A7B8C9D0E1F"

This is a multi-part message in MIME format.
--------------0A1B2C3D4E5F6A7B8C9D0E1F
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

I never signed up for this. Please stop.

--------------0A1B2C3D4E5F6A7B8C9D0E1F
Content-Type: message/rfc822; charset=UTF-8;
 name="Cartridges, 30% off this week.eml"
Content-Disposition: attachment;
 filename="Cartridges, 30% off this week.eml"

Delivered-To: ${person}
Received: from mta7.ink.example (mta7.ink.example [192.0.2.10])
	by mx.example.org (Postfix) with ESMTPS id 4AbCdE
	for <${person}>; Tue, 17 Nov 2026 09:00:00 +0100 (CET)
From: Ink Corner <news@ink.example>
To: "Valued customer" <${person}>
Subject: Cartridges, 30% off this week
Message-ID: <tb-forward-1@ink.example>
Date: Tue, 17 Nov 2026 08:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Our best prices of the year.

--------------0A1B2C3D4E5F6A7B8C9D0E1F--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: person,
              data: { kind: 'forwarded', originalMessageId: '<tb-forward-1@ink.example>' },
              by: 'delivered-to',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'forward-as-attachment-gmail',
    models:
      'Gmail "Forward as attachment": multipart/mixed with a multipart/alternative note and the spam as message/rfc822 named noname.eml, original with ARC/DKIM headers and a single To',
    build: (c) => {
      const person = c.addr('gmail-forward', 'gmail.example.com');
      return {
        raw: crlf(mail`
MIME-Version: 1.0
Date: Tue, 17 Nov 2026 12:15:00 +0000
Message-ID: <CAGmailForward000111222333444555@mail.gmail.example.com>
Subject: Fwd: Cartridges, 30% off this week
From: A Person <${person}>
To: ${c.abuse}
Content-Type: multipart/mixed; boundary="000000000000aaaabbbbccccdddd"

--000000000000aaaabbbbccccdddd
Content-Type: multipart/alternative; boundary="000000000000eeeeffff00001111"

--000000000000eeeeffff00001111
Content-Type: text/plain; charset="UTF-8"

Spam. Remove me.

--000000000000eeeeffff00001111
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">Spam. Remove me.</div>

--000000000000eeeeffff00001111--
--000000000000aaaabbbbccccdddd
Content-Type: message/rfc822; name="noname.eml"
Content-Disposition: attachment; filename="noname.eml"
X-Attachment-Id: f_m3abcdef0
Content-ID: <f_m3abcdef0>

ARC-Seal: i=1; a=rsa-sha256; t=1763366400; cv=none; d=google.example.com; s=arc-20240605;
        b=placeholder
ARC-Authentication-Results: i=1; mx.google.example.com;
       dkim=pass header.i=@ink.example header.s=s1 header.b=abc;
       spf=pass (google.example.com: domain of bounces@ink.example designates 192.0.2.10 as permitted sender) smtp.mailfrom=bounces@ink.example
Return-Path: <bounces@ink.example>
Received: from mta7.ink.example (mta7.ink.example. [192.0.2.10])
        by mx.google.example.com with ESMTPS id abc.1
        for <${person}>
        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);
        Tue, 17 Nov 2026 00:00:00 -0800 (PST)
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=ink.example; s=s1;
        h=from:to:subject:date:message-id; bh=placeholder; b=placeholder
From: Ink Corner <news@ink.example>
To: ${person}
Subject: Cartridges, 30% off this week
Message-ID: <gmail-forward-1@ink.example>
Date: Tue, 17 Nov 2026 08:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Our best prices of the year.

--000000000000aaaabbbbccccdddd--
`),
        expect: {
          published: [
            { topic: 'complaint', email: person, data: { kind: 'forwarded' }, by: 'to', scope: 'marketing' },
          ],
        },
      };
    },
  },
  {
    name: 'forward-inline-gmail-with-link',
    models:
      'Gmail inline forward ("---------- Forwarded message ---------" block) of a marketing mail: no attachment, our https unsubscribe link /u/<token> survives in the quoted text and names the person',
    build: (c) => {
      const person = c.addr('inline-link');
      const token = c.token({ email: person, topic: 'Printer tips', campaignId: 'inline-c' });
      return {
        raw: crlf(mail`
MIME-Version: 1.0
Date: Tue, 17 Nov 2026 12:20:00 +0000
Message-ID: <CAInlineForward000111222333444666@mail.gmail.example.com>
Subject: Fwd: Cartridges, 30% off this week
From: Someone Else <forwarder@gmail.example.com>
To: ${c.abuse}
Content-Type: multipart/alternative; boundary="000000000000ffff000011112222"

--000000000000ffff000011112222
Content-Type: text/plain; charset="UTF-8"

Please stop this.

---------- Forwarded message ---------
From: Ink Corner <news@ink.example>
Date: Tue, 17 Nov 2026 at 08:00
Subject: Cartridges, 30% off this week
To: <redacted-by-forwarder@example.com>


Our best prices of the year.

--
Unsubscribe: https://ink.example/u/${token}
Ink Corner, 1 Example Street, Springfield

--000000000000ffff000011112222
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">Please stop this.<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: <strong>Ink Corner</strong> &lt;news@ink.example&gt;<br></div><p>Our best prices of the year.</p><p><a href="https://ink.example/u/${token}">Unsubscribe</a></p></div></div>

--000000000000ffff000011112222--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: person,
              data: { kind: 'forwarded', campaignId: 'inline-c' },
              by: 'inline-token',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'forward-inline-outlook-quoted-printable',
    models:
      'Outlook inline forward ("From: … Sent: … To: … Subject:" block) sent quoted-printable with soft line breaks splitting our unsubscribe URL',
    build: (c) => {
      const person = c.addr('inline-qp');
      const token = c.token({ email: person });
      const url = `https://ink.example/u/${token}`;
      // Quoted-printable soft breaks (=\n) every 60 characters, as Outlook writes them.
      const line = `Unsubscribe: ${url}`;
      const wrapped = line.match(/.{1,60}/g)!.join('=\n');
      return {
        raw: crlf(mail`
From: Someone <someone@outlook.example.com>
To: "abuse" <${c.abuse}>
Subject: FW: Cartridges, 30% off this week
Date: Tue, 17 Nov 2026 12:25:00 +0000
Message-ID: <AM0PR01MB0000000000000000000000000000@AM0PR01MB0000.eurprd01.prod.outlook.example.com>
Content-Language: en-GB
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Not wanted.

From: Ink Corner <news@ink.example>=20
Sent: 17 November 2026 08:00
To: Someone <someone@outlook.example.com>
Subject: Cartridges, 30% off this week

Our best prices of the year.
${wrapped}
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: person,
              data: { kind: 'forwarded' },
              by: 'inline-token',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'forward-inline-nothing-of-ours',
    models:
      'an inline forward whose quoted text kept nothing of ours (no link, no token): nobody to attribute, kept for an operator',
    build: (c) => ({
      raw: crlf(mail`
From: Someone <someone@example.com>
To: ${c.abuse}
Subject: Fwd: spam
Date: Tue, 17 Nov 2026 12:30:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

You keep sending me junk!!!

-------- Original Message --------
Subject: Cartridges, 30% off this week
From: Ink Corner <news@ink.example>

Our best prices of the year.
`),
      expect: { quarantined: 'no-original-message' },
    }),
  },
  {
    name: 'forward-attached-several-recipients',
    models:
      'a forwarded spam whose attached original was sent to several people (To lists three addresses) and carries nothing of ours: no single complainant, kept for an operator',
    build: (c) => {
      const a = c.addr('multi-a');
      const b = c.addr('multi-b');
      const d = c.addr('multi-c');
      return {
        raw: crlf(mail`
From: Someone <someone@example.com>
To: ${c.abuse}
Subject: Fwd: Cartridges
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fwd-multi-1"

--fwd-multi-1
Content-Type: text/plain

spam

--fwd-multi-1
Content-Type: message/rfc822

From: Ink Corner <news@ink.example>
To: ${a}, ${b}, ${d}
Subject: Cartridges, 30% off this week
Message-ID: <multi-1@ink.example>
Date: Tue, 17 Nov 2026 08:00:00 +0000

Our best prices of the year.
--fwd-multi-1--
`),
        expect: { quarantined: 'forward-unattributable', unaffected: [a, b, d] },
      };
    },
  },
  {
    name: 'spamcop-style-report',
    models:
      'a SpamCop-style report (plain text, "[SpamCop (…) id:…]" subject, the spam\'s headers pasted inline in the body) whose headers include our X-SP-Recipient-Token',
    build: (c) => {
      const person = c.addr('spamcop');
      const token = c.token({ email: person, campaignId: 'sc-1' });
      return {
        raw: lf(mail`
From: 1234567890@reports.spamcop.example.net
To: ${c.abuse}
Subject: [SpamCop (http://ink.example/sale) id:7654321]Cartridges, 30% off this week
Precedence: list
Message-ID: <rid_7654321@msgid.spamcop.example.net>
Date: Tue, 17 Nov 2026 12:35:00 -0000
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

[ SpamCop V6.0.0 ]
This message is brief for your comfort.  Please use links below for details.

Spam sent from your network, 192.0.2.10
http://www.spamcop.example.net/w3m?i=z7654321z

[ Offending message ]
Return-Path: <bounces@ink.example>
Received: from mta7.ink.example (mta7.ink.example [192.0.2.10])
	by mx.example.com with ESMTP id x1; Tue, 17 Nov 2026 08:00:00 +0000
From: Ink Corner <news@ink.example>
To: x
Subject: Cartridges, 30% off this week
X-SP-Recipient-Token: ${token}
Message-ID: <spamcop-1@ink.example>

Our best prices of the year.
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: person,
              data: { kind: 'forwarded', campaignId: 'sc-1' },
              by: 'inline-token',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'forward-attached-headers-only-redacted',
    models:
      'a provider "report spam" forward that attaches only the headers (text/rfc822-headers inside multipart/mixed, as sisimai arf-19/20 do inside a report) with the recipient redacted but our token present',
    build: (c) => {
      const person = c.addr('hdr-only');
      const token = c.token({ email: person });
      return {
        raw: lf(mail`
From: spam-reports@mail.example.com
To: ${c.abuse}
Subject: Spam report
Date: Tue, 17 Nov 2026 12:40:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="hdrs-only-1"

--hdrs-only-1
Content-Type: text/plain

A user reported this message as spam.

--hdrs-only-1
Content-Type: text/rfc822-headers

From: Ink Corner <news@ink.example>
To: xxxxxxxx@mail.example.com
Subject: Cartridges, 30% off this week
Message-ID: <hdr-only-1@ink.example>
X-SP-Recipient-Token: ${token}
Date: Tue, 17 Nov 2026 08:00:00 +0000

--hdrs-only-1--
`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email: person,
              data: { kind: 'forwarded' },
              by: 'recipient-token',
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'apple-mail-mailto-unsubscribe',
    models:
      "sisimai set-of-emails maildir/bsd/arf-26.eml: Apple Mail's automatic unsubscribe to the List-Unsubscribe mailto (X-Apple-Unsubscribe: true, Auto-Submitted: auto-replied, quoted-printable body with curly quotes), here to our unsubscribe+<token>@ address",
    build: (c) => {
      const email = c.addr('apple', 'icloud.example.com');
      const token = c.token({ email, topic: 'Printer tips', campaignId: 'apple-c' });
      const to = `unsubscribe+${token}@${c.unsubDomain}`;
      return {
        raw: lf(mail`
Date: Tue, 17 Nov 2026 12:45:00 +0000 (UTC)
From: ${email}
Reply-To: ${email}
To: ${to}
Message-ID: <1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D@icloud.example.com>
Subject: unsubscribe
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
Auto-Submitted: auto-replied
X-Apple-Unsubscribe: true

Apple Mail sent this email to unsubscribe from the message =E2=80=9CCartrid=
ges, 30% off this week=E2=80=9D.
`),
        rcptTo: [to],
        expect: {
          published: [
            {
              topic: 'optout',
              email,
              data: { method: 'mailto', topic: 'Printer tips', campaignId: 'apple-c' },
              scope: { topic: 'Printer tips' },
            },
          ],
        },
      };
    },
  },
];
