// Mails shaped like the ones real providers send (our own text; each names the public sample whose
// shape it reproduces). sisimai's set-of-emails (maildir/bsd) for the SNS mails and the ARF
// variants, AWS's "Amazon SNS notification contents" for SES for the notification JSON.
import { ABUSE, arfReport, forwardedSpam } from './mails';

function crlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

const SNS_ARN = 'arn:aws:sns:us-west-2:123456789012:ink-ses-feedback';

/** A bounce notification as SES documents it, with enough headers to make one line > 998 characters. */
export function sesBounce(email: string, bounceType: 'Permanent' | 'Transient'): Record<string, unknown> {
  return {
    notificationType: 'Bounce',
    bounce: {
      feedbackId: '0100018c-ses-feedback-0001',
      bounceType,
      bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
      bouncedRecipients: [
        {
          emailAddress: email,
          action: 'failed',
          status: bounceType === 'Permanent' ? '5.1.1' : '4.2.2',
          diagnosticCode:
            bounceType === 'Permanent' ? 'smtp; 550 5.1.1 user unknown' : 'smtp; 452 4.2.2 mailbox full',
        },
      ],
      timestamp: '2026-11-20T08:00:01.000Z',
      remoteMtaIp: '192.0.2.25',
      reportingMTA: 'dsn; a27-82.smtp-out.us-west-2.amazonses.com',
    },
    mail: mailPart(email),
  };
}

export function sesComplaint(email: string): Record<string, unknown> {
  return {
    notificationType: 'Complaint',
    complaint: {
      feedbackId: '0100018c-ses-feedback-0002',
      complaintSubType: null,
      complainedRecipients: [{ emailAddress: email }],
      timestamp: '2026-11-20T09:30:00.000Z',
      userAgent: 'Yahoo!-Mail-Feedback/2.0',
      complaintFeedbackType: 'abuse',
      arrivalDate: '2026-11-20T09:29:00.000Z',
    },
    mail: mailPart(email),
  };
}

function mailPart(email: string) {
  return {
    timestamp: '2026-11-20T08:00:00.000Z',
    source: 'news@ink.example',
    sourceArn: 'arn:aws:ses:us-west-2:123456789012:identity/ink.example',
    sourceIp: '198.51.100.7',
    sendingAccountId: '123456789012',
    messageId: '0101018c-aaaa-bbbb-cccc-000000000001-000000',
    destination: [email],
    headersTruncated: false,
    headers: [
      { name: 'From', value: 'Ink Corner <news@ink.example>' },
      { name: 'To', value: email },
      { name: 'Subject', value: 'Thirty percent off every cartridge this week only' },
      { name: 'MIME-Version', value: '1.0' },
      { name: 'Content-Type', value: 'multipart/alternative; boundary="----=_Part_0_1.2"' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    commonHeaders: { from: ['Ink Corner <news@ink.example>'], to: [email], subject: 'Thirty percent off' },
    tags: { campaign: ['nov-sale'] },
  };
}

/** The SNS envelope an email-json subscription delivers: the notification as a string in Message. */
export function snsEnvelope(notification: unknown, pretty: boolean): string {
  const envelope = {
    Type: 'Notification',
    MessageId: '02f86d9b-eecf-573d-b47d-3d1850750c30',
    TopicArn: SNS_ARN,
    Message: JSON.stringify(notification),
    Timestamp: '2026-11-20T09:30:01.294Z',
    SignatureVersion: '1',
    Signature: 'QmFzZTY0U2lnbmF0dXJlT2ZUaGVFbnZlbG9wZQ==',
    SigningCertURL: 'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-0000.pem',
    UnsubscribeURL: `https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${SNS_ARN}:1111`,
  };
  // SNS pretty-prints with two spaces and " : " (sisimai lhost-amazonses-10).
  return pretty ? JSON.stringify(envelope, null, 2).replace(/": /g, '" : ') : JSON.stringify(envelope);
}

const SNS_FOOTER = [
  '',
  '--',
  'If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:',
  `https://sns.us-west-2.amazonaws.com/unsubscribe.html?SubscriptionArn=${SNS_ARN}:1111&Endpoint=${ABUSE}`,
  '',
  'Please do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support',
].join('\n');

/** sendmail splits a line over 990 characters with "!", a line break and a space (lhost-amazonses-09). */
export function sendmailSplit(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const out: string[] = [];
      let rest = line;
      while (rest.length > 990) {
        out.push(`${rest.slice(0, 989)}!`);
        rest = ` ${rest.slice(989)}`;
      }
      out.push(rest);
      return out.join('\n');
    })
    .join('\n');
}

/** Folding every 76 characters with a line break and a space, wherever it falls. */
export function foldWithSpaces(text: string, width = 76): string {
  return text
    .split('\n')
    .map((line) => (line.match(new RegExp(`.{1,${width}}`, 'g')) ?? ['']).join('\n '))
    .join('\n');
}

function quotedPrintable(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const encoded = line.replace(/=/g, '=3D');
      return (encoded.match(/.{1,75}/g) ?? ['']).join('=\n');
    })
    .join('\n');
}

/** An "AWS Notification Message" as SNS mails it (lhost-amazonses-09 .. -13 headers). */
export function snsMail(
  body: string,
  o: { footer?: boolean; encoding?: 'quoted-printable'; flowed?: boolean } = {},
): string {
  const text = `${body}${o.footer === false ? '' : `\n${SNS_FOOTER}`}`;
  return crlf(
    [
      'From: AWS Notifications <no-reply@sns.amazonaws.com>',
      `To: ${ABUSE}`,
      'Subject: AWS Notification Message',
      'Message-ID: <0101018c-sns-0000-1111-2222-000000@us-west-2.amazonses.com>',
      'Date: Fri, 20 Nov 2026 09:30:02 +0000',
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset=UTF-8${o.flowed ? '; format=flowed; delsp=yes' : ''}`,
      `Content-Transfer-Encoding: ${o.encoding ?? '7bit'}`,
      'x-amz-sns-message-id: 02f86d9b-eecf-573d-b47d-3d1850750c30',
      `x-amz-sns-subscription-arn: ${SNS_ARN}:1111`,
      '',
      o.encoding === 'quoted-printable' ? quotedPrintable(text) : text,
      '',
    ].join('\n'),
  );
}

/** format=flowed with delsp=yes: a soft break is " " + line break, the space not part of the text. */
export function flowed(text: string, width = 70): string {
  return text
    .split('\n')
    .map((line) => (line.match(new RegExp(`.{1,${width}}`, 'g')) ?? ['']).join(' \n'))
    .join('\n');
}

/** A notification forwarded by a mail rule as an attachment (application/json or text/plain). */
export function snsAttachmentMail(json: string, type: 'application/json' | 'text/plain'): string {
  const name = `notification.${type === 'application/json' ? 'json' : 'txt'}`;
  return forwardedSpam(
    (
      Buffer.from(json, 'utf8')
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join('\n'),
    {
      from: 'Ops Mailbox <ops@ink.example>',
      subject: 'Fwd: AWS Notification Message',
      note: 'Forwarded by rule: SES feedback.',
      partHeaders: [
        `Content-Type: ${type}; name="${name}"`,
        `Content-Disposition: attachment; filename="${name}"`,
        'Content-Transfer-Encoding: base64',
      ],
    },
  );
}

/** An original message as a feedback report encloses it; headers given verbatim. */
export function enclosed(headers: string[], body = 'Our best prices of the year.'): string {
  return [
    'From: Ink Corner <news@ink.example>',
    'Subject: 30% off all cartridges',
    'Date: Thu, 19 Nov 2026 09:00:00 +0000',
    ...headers,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\n');
}

/**
 * A feedback report. `fields` is the machine-readable part; the original goes as message/rfc822
 * or as headers only (`text/rfc822-headers`, or the singular `text/rfc822-header` seen in
 * sisimai arf-12). The report-type parameter on a folded line as in sisimai arf-15/arf-21.
 */
export function feedbackReport(o: {
  from?: string;
  fields: string[];
  original: string;
  originalType?: 'message/rfc822' | 'text/rfc822-headers' | 'text/rfc822-header';
  subject?: string;
}): string {
  return arfReport({
    ...o,
    from: o.from ?? 'feedbackloop@feedback.mailbox.example',
    subject: o.subject ?? 'Abuse Report',
    folded: true,
  });
}

/**
 * A bounce that reached abuse@: RFC 3464 (multipart/report; report-type=delivery-status, as
 * sisimai lhost-postfix-* send it) or the older multipart/mixed from MAILER-DAEMON with a null
 * Return-Path (lhost-postfix-34, lhost-exchange2003-02). The enclosed original names the
 * recipient that bounced.
 */
export function bounceMail(bouncedTo: string, style: 'rfc3464' | 'legacy'): string {
  const b = `bounce-${Math.random().toString(36).slice(2)}`;
  const original = enclosed([`To: <${bouncedTo}>`]);
  return crlf(
    [
      style === 'legacy' ? 'Return-Path: <>' : 'Return-Path: <bounces@ink.example>',
      'From: MAILER-DAEMON@mx.mailbox.example (Mail Delivery System)',
      `To: ${ABUSE}`,
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      style === 'rfc3464'
        ? `Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="${b}"`
        : `Content-Type: multipart/mixed;\n boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain',
      '',
      'I am sorry to have to inform you that your message could not be delivered.',
      '',
      ...(style === 'rfc3464'
        ? [
            `--${b}`,
            'Content-Type: message/delivery-status',
            '',
            'Reporting-MTA: dns; mx.mailbox.example',
            '',
            `Final-Recipient: rfc822; ${bouncedTo}`,
            'Action: failed',
            'Status: 5.1.1',
            'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
            '',
          ]
        : []),
      `--${b}`,
      'Content-Type: message/rfc822',
      '',
      original,
      `--${b}--`,
      '',
    ].join('\n'),
  );
}
