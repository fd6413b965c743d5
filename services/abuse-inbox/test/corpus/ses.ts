// Amazon SES notifications that reach abuse@ as mail (R-AB-3, R-AB-6): an SNS subscription with
// the "email" protocol (notification JSON + SNS footer), "email-json" (the SNS envelope with the
// notification as a string in Message), relays that wrap the long line, forwards as attachments.
import { crlf, type Fixture, type FixtureContext, lf, mail } from './fixture';

const ARN = 'arn:aws:sns:us-east-1:123456789012:ink-ses-feedback';
const SUB = `${ARN}:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;

/** SNS's footer under an "email" protocol notification (the unsubscribe link and the no-reply note). */
function footer(endpoint: string): string {
  return [
    '--',
    'If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:',
    `https://sns.us-east-1.amazonaws.example/unsubscribe.html?SubscriptionArn=${SUB}&Endpoint=${endpoint}`,
    '',
    'Please do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.example/support',
  ].join('\n');
}

/** The SNS e-mail's own headers, as in sisimai lhost-amazonses-09..13. */
function snsHeaders(c: FixtureContext, id: string, contentType = 'text/plain; charset=UTF-8'): string {
  return [
    'Return-Path: <0100019a-sns-0000-0000-000000000000-000000@amazonses.example.com>',
    'Received: from a27-82.smtp-out.us-east-1.amazonses.example.com (a27-82.smtp-out.us-east-1.amazonses.example.com [192.0.2.82])',
    '\tby mx.ink.example (Postfix) with ESMTP id 4Ab1Cd2Ef3',
    `\tfor <${c.abuse}>; Tue, 17 Nov 2026 14:00:01 +0000`,
    'DKIM-Signature: v=1; a=rsa-sha256; q=dns/txt; c=relaxed/simple;',
    '\ts=placeholder; d=amazonses.example.com; t=1763388000;',
    '\th=Date:From:To:Message-ID:Subject:MIME-Version:Content-Type:Content-Transfer-Encoding:Feedback-ID;',
    '\tbh=placeholder;',
    '\tb=placeholder',
    'Date: Tue, 17 Nov 2026 14:00:00 +0000',
    'From: AWS Notifications <no-reply@sns.amazonaws.example>',
    `To: ${c.abuse}`,
    `Message-ID: <0100019a-${id}-000000@us-east-1.amazonses.example.com>`,
    'Subject: AWS Notification Message',
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    'Content-Transfer-Encoding: 7bit',
    `x-amz-sns-message-id: ${id}-5bae-bf50-8fc1aad3f981`,
    `x-amz-sns-subscription-arn: ${SUB}`,
    'Feedback-ID: 1.us-east-1.placeholder=:AmazonSES',
  ].join('\n');
}

/** sendmail's long-line split: past 990 characters it writes "!", a line break and a space. */
function sendmailWrap(line: string, width = 990): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    out.push(`${rest.slice(0, width - 1)}!`);
    rest = ` ${rest.slice(width - 1)}`;
  }
  out.push(rest);
  return out.join('\n');
}

/** A relay's fold: a line break and a space inserted every `width` characters. */
function foldWrap(line: string, width = 76): string {
  const out: string[] = [];
  for (let i = 0; i < line.length; i += width) out.push((i === 0 ? '' : ' ') + line.slice(i, i + width));
  return out.join('\n');
}

function mailObject(id: string, to: string[], extra: Record<string, unknown> = {}) {
  return {
    timestamp: '2026-11-17T13:59:58.000Z',
    source: 'news@ink.example',
    sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/ink.example',
    sourceIp: '192.0.2.10',
    callerIdentity: 'ink-sender',
    sendingAccountId: '123456789012',
    messageId: `0100019a${id}-000000`,
    destination: to,
    headersTruncated: false,
    headers: [
      { name: 'From', value: 'Ink Corner <news@ink.example>' },
      { name: 'To', value: to.join(', ') },
      { name: 'Subject', value: 'Cartridges, 30% off this week' },
      { name: 'MIME-Version', value: '1.0' },
      { name: 'Content-Type', value: 'text/plain; charset=UTF-8' },
      { name: 'Content-Transfer-Encoding', value: 'base64' },
    ],
    commonHeaders: { from: ['Ink Corner <news@ink.example>'], to, subject: 'Cartridges, 30% off this week' },
    ...extra,
  };
}

function permanentBounce(id: string, emails: string[], subType = 'General') {
  return {
    notificationType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: subType,
      bouncedRecipients: emails.map((emailAddress) => ({
        emailAddress,
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      })),
      timestamp: '2026-11-17T13:59:59.502Z',
      feedbackId: `0100019a${id}-feedback-000000`,
      remoteMtaIp: '192.0.2.25',
      reportingMTA: 'dsn; a27-82.smtp-out.us-east-1.amazonses.example.com',
    },
    mail: mailObject(id, emails),
  };
}

function complaint(id: string, emails: string[], extra: Record<string, unknown> = {}) {
  return {
    notificationType: 'Complaint',
    complaint: {
      complainedRecipients: emails.map((emailAddress) => ({ emailAddress })),
      timestamp: '2026-11-17T13:59:59.000Z',
      feedbackId: `0100019a${id}-complaint-000000`,
      userAgent: 'Mozilla/5.0 (compatible; Mail-Feedback/2.0)',
      complaintFeedbackType: 'abuse',
      arrivalDate: '2026-11-17T13:59:00.000Z',
      ...extra,
    },
    mail: mailObject(id, emails),
  };
}

/** The email-json protocol's SNS envelope (pretty-printed with " : " as SNS writes it). */
function snsEnvelope(id: string, notification: unknown): string {
  const fields: [string, string][] = [
    ['Type', 'Notification'],
    ['MessageId', `${id}-eecf-573d-b47d-3d1850750c30`],
    ['TopicArn', ARN],
    ['Message', JSON.stringify(notification)],
    ['Timestamp', '2026-11-17T14:00:00.294Z'],
    ['SignatureVersion', '1'],
    ['Signature', 'cGxhY2Vob2xkZXIgc2lnbmF0dXJlIG9mIGFuIFNOUyBtZXNzYWdl'],
    ['SigningCertURL', 'https://sns.us-east-1.amazonaws.example/SimpleNotificationService-0000.pem'],
    ['UnsubscribeURL', `https://sns.us-east-1.amazonaws.example/?Action=Unsubscribe&SubscriptionArn=${SUB}`],
  ];
  return `{\n${fields.map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`).join(',\n')}\n}`;
}

const via = 'ses-mail';

export const sesFixtures: Fixture[] = [
  {
    name: 'ses-bounce-email-protocol-sendmail-wrap',
    models:
      'sisimai set-of-emails maildir/bsd/lhost-amazonses-09.eml: "AWS Notification Message", Bounce notification JSON on one line split by sendmail ("!" + line break + space past 990 characters), SNS footer',
    build: (c) => {
      const email = c.addr('ses-bounce-09');
      const body = sendmailWrap(JSON.stringify(permanentBounce('b09', [email])));
      return {
        raw: lf(`${snsHeaders(c, 'b09')}\n\n${body}\n\n${footer(c.abuse)}\n`),
        expect: {
          published: [
            {
              topic: 'bounce',
              email,
              data: {
                bounceType: 'Permanent',
                bounceSubType: 'General',
                diagnosticCode: 'smtp; 550 5.1.1 user unknown',
              },
              by: via,
              scope: 'all',
            },
          ],
        },
      };
    },
  },
  {
    name: 'ses-bounce-email-json-envelope-sendmail-wrap',
    models:
      'sisimai set-of-emails maildir/bsd/lhost-amazonses-10.eml: the SNS envelope (Type, MessageId, TopicArn, Message as a JSON string, Signature…) pretty-printed with " : ", the Message line split by sendmail, no footer',
    build: (c) => {
      const email = c.addr('ses-bounce-10');
      const body = snsEnvelope('b10', permanentBounce('b10', [email]))
        .split('\n')
        .map((l) => sendmailWrap(l))
        .join('\n');
      return {
        raw: lf(`${snsHeaders(c, 'b10')}\n\n${body}\n`),
        expect: {
          published: [{ topic: 'bounce', email, data: { bounceType: 'Permanent' }, by: via, scope: 'all' }],
        },
      };
    },
  },
  {
    name: 'ses-complaint-email-protocol',
    models:
      'sisimai set-of-emails maildir/bsd/lhost-amazonses-11.eml: Complaint notification (complainedRecipients, userAgent, complaintFeedbackType, arrivalDate) split by sendmail, SNS footer',
    build: (c) => {
      const email = c.addr('ses-complaint-11');
      const body = sendmailWrap(JSON.stringify(complaint('c11', [email])));
      return {
        raw: lf(`${snsHeaders(c, 'c11')}\n\n${body}\n\n${footer(c.abuse)}\n`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email,
              data: {
                kind: 'ses',
                feedbackType: 'abuse',
                originalMessageId: '0100019ac11-000000',
                arrivalDate: '2026-11-17T13:59:00.000Z',
              },
              by: via,
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'ses-delivery-notification',
    models:
      'sisimai set-of-emails maildir/bsd/lhost-amazonses-12.eml: a Delivery notification (processingTimeMillis, smtpResponse) with the SNS footer: nothing to suppress, kept for an operator',
    build: (c) => {
      const email = c.addr('ses-delivery-12');
      const n = {
        notificationType: 'Delivery',
        mail: mailObject('d12', [email]),
        delivery: {
          timestamp: '2026-11-17T14:00:00.100Z',
          processingTimeMillis: 1021,
          recipients: [email],
          smtpResponse: '250 2.6.0 Message received',
          remoteMtaIp: '192.0.2.25',
          reportingMTA: 'a27-82.smtp-out.us-east-1.amazonses.example.com',
        },
      };
      return {
        raw: lf(`${snsHeaders(c, 'd12')}\n\n${sendmailWrap(JSON.stringify(n))}\n\n${footer(c.abuse)}\n`),
        expect: { quarantined: 'ses-notification-without-recipients', unaffected: [email] },
      };
    },
  },
  {
    name: 'ses-bounce-unwrapped-with-footer-crlf',
    models:
      'AWS SES docs "Bounce notification with a DSN" (reportingMTA, remoteMtaIp, status, diagnosticCode) delivered by SNS e-mail as one unbroken line with the footer, CRLF line ends',
    build: (c) => {
      const email = c.addr('ses-bounce-crlf');
      return {
        raw: crlf(
          `${snsHeaders(c, 'bcrlf')}\n\n${JSON.stringify(permanentBounce('bcrlf', [email]))}\n\n${footer(c.abuse)}\n`,
        ),
        expect: {
          published: [
            {
              topic: 'bounce',
              email,
              data: { bounceType: 'Permanent', feedbackId: '0100019abcrlf-feedback-000000' },
              by: via,
              scope: 'all',
            },
          ],
        },
      };
    },
  },
  {
    name: 'ses-bounce-relay-folded',
    models:
      'sisimai lhost-amazonses-09 shape passed through a relay that folds long lines with a plain line break and a space every 76 characters (no "!")',
    build: (c) => {
      const email = c.addr('ses-bounce-fold');
      return {
        raw: lf(
          `${snsHeaders(c, 'bfold')}\n\n${foldWrap(JSON.stringify(permanentBounce('bfold', [email])))}\n\n${footer(c.abuse)}\n`,
        ),
        expect: {
          published: [{ topic: 'bounce', email, data: { bounceType: 'Permanent' }, by: via, scope: 'all' }],
        },
      };
    },
  },
  {
    name: 'ses-bounce-transient',
    models:
      'AWS SES docs bounce types: a Transient/MailboxFull bounce by SNS e-mail (sisimai lhost-amazonses-09 layout): recorded, never suppresses',
    build: (c) => {
      const email = c.addr('ses-transient');
      const n = {
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Transient',
          bounceSubType: 'MailboxFull',
          bouncedRecipients: [
            {
              emailAddress: email,
              action: 'failed',
              status: '4.2.2',
              diagnosticCode: 'smtp; 452 4.2.2 mailbox full',
            },
          ],
          timestamp: '2026-11-17T14:00:00.000Z',
          feedbackId: '0100019atransient-000000',
        },
        mail: mailObject('tr', [email]),
      };
      return {
        raw: lf(`${snsHeaders(c, 'tr')}\n\n${sendmailWrap(JSON.stringify(n))}\n\n${footer(c.abuse)}\n`),
        expect: {
          published: [
            {
              topic: 'bounce',
              email,
              data: { bounceType: 'Transient', bounceSubType: 'MailboxFull' },
              by: via,
              scope: 'none',
            },
          ],
        },
      };
    },
  },
  {
    name: 'ses-bounce-undetermined',
    models:
      'AWS SES docs bounce types: "Undetermined" (SES could not tell), by SNS e-mail with the footer: recorded, never suppresses',
    build: (c) => {
      const email = c.addr('ses-undetermined');
      const n = {
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Undetermined',
          bounceSubType: 'Undetermined',
          bouncedRecipients: [{ emailAddress: email }],
          timestamp: '2026-11-17T14:00:00.000Z',
          feedbackId: '0100019aundet-000000',
        },
        mail: {
          timestamp: '2026-11-17T13:59:58.000Z',
          source: 'news@ink.example',
          messageId: '0100019aundet-000000',
          destination: [email],
        },
      };
      return {
        raw: lf(`${snsHeaders(c, 'un')}\n\n${JSON.stringify(n)}\n\n${footer(c.abuse)}\n`),
        expect: {
          published: [
            { topic: 'bounce', email, data: { bounceType: 'Undetermined' }, by: via, scope: 'none' },
          ],
        },
      };
    },
  },
  {
    name: 'ses-bounce-two-recipients',
    models:
      'AWS SES docs: one bounce notification naming several bouncedRecipients (the docs say both per-recipient and batched notifications happen)',
    build: (c) => {
      const a = c.addr('ses-two-a');
      const b = c.addr('ses-two-b', 'example.org');
      return {
        raw: lf(
          `${snsHeaders(c, 'two')}\n\n${sendmailWrap(JSON.stringify(permanentBounce('two', [a, b])))}\n\n${footer(c.abuse)}\n`,
        ),
        expect: {
          published: [
            { topic: 'bounce', email: a, data: { bounceType: 'Permanent' }, by: via, scope: 'all' },
            { topic: 'bounce', email: b, data: { bounceType: 'Permanent' }, by: via, scope: 'all' },
          ],
        },
      };
    },
  },
  {
    name: 'ses-bounce-suppressed-subtype',
    models:
      'AWS SES docs bounce subtype "Suppressed" / "OnAccountSuppressionList" (SES did not even try): still a Permanent bounce',
    build: (c) => {
      const email = c.addr('ses-suppressed');
      return {
        raw: lf(
          `${snsHeaders(c, 'sup')}\n\n${JSON.stringify(permanentBounce('sup', [email], 'OnAccountSuppressionList'))}\n\n${footer(c.abuse)}\n`,
        ),
        expect: {
          published: [
            {
              topic: 'bounce',
              email,
              data: { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' },
              by: via,
              scope: 'all',
            },
          ],
        },
      };
    },
  },
  {
    name: 'ses-complaint-no-feedback-type',
    models:
      'AWS SES docs "Complaint notification without a feedback report": no complaintFeedbackType/userAgent/arrivalDate, only complainedRecipients; by SNS e-mail with the footer',
    build: (c) => {
      const email = c.addr('ses-c-nofb');
      const n = {
        notificationType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: email }],
          timestamp: '2026-11-17T14:00:00.000Z',
          feedbackId: '0100019anofb-000000',
        },
        mail: mailObject('nofb', [email]),
      };
      return {
        raw: lf(`${snsHeaders(c, 'nofb')}\n\n${sendmailWrap(JSON.stringify(n))}\n\n${footer(c.abuse)}\n`),
        expect: {
          published: [{ topic: 'complaint', email, data: { kind: 'ses' }, by: via, scope: 'marketing' }],
        },
      };
    },
  },
  {
    name: 'ses-complaint-on-account-suppression-list',
    models:
      'AWS SES API Complaint.ComplaintSubType "OnAccountSuppressionList": a complaint SES recorded without sending; still the person complained',
    build: (c) => {
      const email = c.addr('ses-c-oasl');
      return {
        raw: lf(
          `${snsHeaders(c, 'oasl')}\n\n${JSON.stringify(complaint('oasl', [email], { complaintSubType: 'OnAccountSuppressionList' }))}\n\n${footer(c.abuse)}\n`,
        ),
        expect: {
          published: [{ topic: 'complaint', email, data: { kind: 'ses' }, by: via, scope: 'marketing' }],
        },
      };
    },
  },
  {
    name: 'ses-event-publishing-bounce-tags',
    models:
      'AWS SES docs event publishing (configuration set → SNS): "eventType": "Bounce" instead of notificationType, mail.tags with our campaign tag, by SNS e-mail',
    build: (c) => {
      const email = c.addr('ses-event-bounce');
      const n = {
        eventType: 'Bounce',
        bounce: permanentBounce('ev', [email]).bounce,
        mail: mailObject('ev', [email], {
          tags: {
            'ses:configuration-set': ['marketing'],
            'ses:source-ip': ['192.0.2.10'],
            campaign: ['nov-sale'],
          },
        }),
      };
      return {
        raw: lf(`${snsHeaders(c, 'ev')}\n\n${sendmailWrap(JSON.stringify(n))}\n\n${footer(c.abuse)}\n`),
        expect: {
          published: [{ topic: 'bounce', email, data: { bounceType: 'Permanent' }, by: via, scope: 'all' }],
        },
      };
    },
  },
  {
    name: 'ses-event-publishing-complaint-tags',
    models:
      'AWS SES docs event publishing: "eventType": "Complaint" with mail.tags.campaign, wrapped in the SNS envelope (email-json)',
    build: (c) => {
      const email = c.addr('ses-event-complaint');
      const base = complaint('evc', [email]);
      const n = {
        eventType: 'Complaint',
        complaint: base.complaint,
        mail: mailObject('evc', [email], { tags: { campaign: ['nov-sale'] } }),
      };
      return {
        raw: lf(`${snsHeaders(c, 'evc')}\n\n${snsEnvelope('evc', n)}\n`),
        expect: {
          published: [
            {
              topic: 'complaint',
              email,
              data: { kind: 'ses', campaignId: 'nov-sale' },
              by: via,
              scope: 'marketing',
            },
          ],
        },
      };
    },
  },
  {
    name: 'ses-envelope-compact-crlf',
    models:
      'the SNS envelope as compact JSON (one line, no spaces) by the email-json protocol, no footer, CRLF; Message holds a Bounce',
    build: (c) => {
      const email = c.addr('ses-env-compact');
      const env = {
        Type: 'Notification',
        MessageId: 'compact-1',
        TopicArn: ARN,
        Message: JSON.stringify(permanentBounce('cmp', [email])),
        Timestamp: '2026-11-17T14:00:00.000Z',
      };
      return {
        raw: crlf(`${snsHeaders(c, 'cmp')}\n\n${JSON.stringify(env)}\n`),
        expect: {
          published: [{ topic: 'bounce', email, data: { bounceType: 'Permanent' }, by: via, scope: 'all' }],
        },
      };
    },
  },
  {
    name: 'ses-envelope-with-footer-folded',
    models:
      'the SNS envelope followed by the SNS footer, its long Message line folded by a relay (line break + space), as seen when a rule forwards email-json deliveries',
    build: (c) => {
      const email = c.addr('ses-env-footer');
      const body = snsEnvelope('envf', complaint('envf', [email]))
        .split('\n')
        .map((l) => foldWrap(l, 200))
        .join('\n');
      return {
        raw: lf(`${snsHeaders(c, 'envf')}\n\n${body}\n\n${footer(c.abuse)}\n`),
        expect: {
          published: [{ topic: 'complaint', email, data: { kind: 'ses' }, by: via, scope: 'marketing' }],
        },
      };
    },
  },
  {
    name: 'ses-forwarded-json-attachment',
    models:
      'a person forwarding an SES notification as a .json attachment (multipart/mixed, application/json; name="notification.json", base64) with a note in text/plain',
    build: (c) => {
      const email = c.addr('ses-attach-json');
      const b64 = Buffer.from(JSON.stringify(permanentBounce('att', [email]), null, 2))
        .toString('base64')
        .match(/.{1,76}/g)!
        .join('\n');
      return {
        raw: crlf(mail`
From: Ops <ops@ink.example>
To: ${c.abuse}
Subject: Fwd: AWS Notification Message
Date: Tue, 17 Nov 2026 14:05:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ses-attach-json"

--ses-attach-json
Content-Type: text/plain; charset=utf-8

See attached bounce.

--ses-attach-json
Content-Type: application/json; name="notification.json"
Content-Disposition: attachment; filename="notification.json"
Content-Transfer-Encoding: base64

${b64}
--ses-attach-json--
`),
        expect: {
          published: [{ topic: 'bounce', email, data: { bounceType: 'Permanent' }, by: via, scope: 'all' }],
        },
      };
    },
  },
  {
    name: 'ses-forwarded-text-attachment',
    models:
      'the SNS e-mail body (notification + footer) forwarded as a text/plain attachment (filename notification.txt, quoted-printable with soft line breaks)',
    build: (c) => {
      const email = c.addr('ses-attach-txt');
      const text = `${JSON.stringify(complaint('txt', [email]))}\n\n${footer(c.abuse)}`;
      const qp = text
        .replace(/=/g, '=3D')
        .split('\n')
        .map((l) => (l.match(/.{1,75}/g) ?? ['']).join('=\n'))
        .join('\n');
      return {
        raw: crlf(mail`
From: Ops <ops@ink.example>
To: ${c.abuse}
Subject: Fwd: AWS Notification Message
Date: Tue, 17 Nov 2026 14:06:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ses-attach-txt"

--ses-attach-txt
Content-Type: text/html; charset=utf-8

<p>FYI</p>

--ses-attach-txt
Content-Type: text/plain; charset=utf-8; name="notification.txt"
Content-Disposition: attachment; filename="notification.txt"
Content-Transfer-Encoding: quoted-printable

${qp}
--ses-attach-txt--
`),
        expect: {
          published: [{ topic: 'complaint', email, data: { kind: 'ses' }, by: via, scope: 'marketing' }],
        },
      };
    },
  },
  {
    name: 'ses-body-quoted-printable',
    models:
      'sisimai lhost-amazonses-11 re-encoded by a gateway as quoted-printable (soft line breaks "=" + line break every 76 characters, "=3D" escapes) with the SNS footer',
    build: (c) => {
      const email = c.addr('ses-qp');
      const json = JSON.stringify(permanentBounce('qp', [email])).replace(/=/g, '=3D');
      const qp = json.match(/.{1,75}/g)!.join('=\n');
      return {
        raw: lf(
          `${snsHeaders(c, 'qp').replace('Content-Transfer-Encoding: 7bit', 'Content-Transfer-Encoding: quoted-printable')}\n\n${qp}\n\n${footer(c.abuse)}\n`,
        ),
        expect: {
          published: [{ topic: 'bounce', email, data: { bounceType: 'Permanent' }, by: via, scope: 'all' }],
        },
      };
    },
  },
  {
    name: 'ses-body-base64',
    models:
      'the SNS e-mail (notification JSON + footer) re-encoded base64 by a relay that rewrites 8bit parts',
    build: (c) => {
      const email = c.addr('ses-b64');
      const body = Buffer.from(`${JSON.stringify(complaint('b64', [email]))}\n\n${footer(c.abuse)}\n`)
        .toString('base64')
        .match(/.{1,76}/g)!
        .join('\n');
      return {
        raw: crlf(
          `${snsHeaders(c, 'b64').replace('Content-Transfer-Encoding: 7bit', 'Content-Transfer-Encoding: base64')}\n\n${body}\n`,
        ),
        expect: {
          published: [{ topic: 'complaint', email, data: { kind: 'ses' }, by: via, scope: 'marketing' }],
        },
      };
    },
  },
  {
    name: 'sns-envelope-not-ses',
    models:
      'the SNS email-json envelope of a topic that is not SES (Message is a plain text string): not a notification we act on, kept for an operator',
    build: (c) => {
      const env = {
        Type: 'Notification',
        MessageId: 'other-1',
        TopicArn: ARN,
        Subject: 'Deploy finished',
        Message: 'build 42 deployed',
        Timestamp: '2026-11-17T14:00:00.000Z',
      };
      return {
        raw: lf(`${snsHeaders(c, 'other')}\n\n${JSON.stringify(env, null, 2)}\n\n${footer(c.abuse)}\n`),
        expect: { quarantined: 'no-original-message' },
      };
    },
  },
];
