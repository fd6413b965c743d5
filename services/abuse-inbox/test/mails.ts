// The mails the tests send: ARF reports, forwards, plain mails (CRLF line ends, as on the wire).

export const ABUSE = 'abuse@ink.example';
export const UNSUB_DOMAIN = 'unsub.ink.example';

function crlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

export function originalMessage(o: {
  to: string;
  token?: string;
  listUnsubscribe?: string;
  messageId?: string;
}): string {
  return [
    'From: Ink Corner <news@ink.example>',
    `To: ${o.to}`,
    'Subject: 30% off all cartridges',
    `Message-ID: ${o.messageId ?? `<${Math.random().toString(36).slice(2)}@ink.example>`}`,
    'Date: Thu, 19 Nov 2026 09:00:00 +0000',
    ...(o.token ? [`X-SP-Recipient-Token: ${o.token}`] : []),
    ...(o.listUnsubscribe
      ? [`List-Unsubscribe: ${o.listUnsubscribe}`, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click']
      : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Our best prices of the year.',
    '',
  ].join('\n');
}

/** An RFC 5965 feedback report as a mailbox provider sends it (R-AB-1). */
export function arfReport(o: {
  originalRcptTo?: string;
  original: string;
  headersOnly?: boolean;
  feedbackType?: string;
  /** The machine-readable part verbatim, instead of the usual fields above. */
  fields?: string[];
  from?: string;
  subject?: string;
  /** How the original is enclosed; headersOnly means text/rfc822-headers. */
  originalType?: 'message/rfc822' | 'text/rfc822-headers' | 'text/rfc822-header';
  /** report-type on a folded line after the boundary, as sisimai arf-15 / arf-21 have it. */
  folded?: boolean;
}): string {
  const b = `arf-${Math.random().toString(36).slice(2)}`;
  const type = o.originalType ?? (o.headersOnly ? 'text/rfc822-headers' : 'message/rfc822');
  const fields = o.fields ?? [
    `Feedback-Type: ${o.feedbackType ?? 'abuse'}`,
    'User-Agent: SomeMailboxFBL/1.0',
    'Version: 1',
    'Original-Mail-From: <bounces@ink.example>',
    ...(o.originalRcptTo ? [`Original-Rcpt-To: ${o.originalRcptTo}`] : []),
    'Arrival-Date: Thu, 19 Nov 2026 09:00:05 +0000',
    'Reported-Domain: ink.example',
  ];
  return crlf(
    [
      `From: ${o.from ?? 'Mail Feedback <feedback@fbl.mailbox.example>'}`,
      `To: ${ABUSE}`,
      `Subject: ${o.subject ?? 'Email Feedback Report for IP 192.0.2.1'}`,
      `Message-ID: <${b}@fbl.mailbox.example>`,
      'Date: Thu, 19 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      o.folded
        ? `Content-Type: multipart/report; boundary="${b}";\n    report-type="feedback-report"`
        : `Content-Type: multipart/report; report-type=feedback-report; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This is an email abuse report for an email message received from IP 192.0.2.1.',
      '',
      `--${b}`,
      'Content-Type: message/feedback-report',
      '',
      ...fields,
      '',
      `--${b}`,
      `Content-Type: ${type}`,
      'Content-Disposition: inline',
      '',
      type === 'message/rfc822' ? o.original : (o.original.split('\n\n')[0] ?? ''),
      `--${b}--`,
      '',
    ].join('\n'),
  );
}

/**
 * A person forwarding a spam as an attachment (R-AB-2); `o` changes who forwards and what is
 * attached (the attachment's own part headers, its content as it goes on the wire).
 */
export function forwardedSpam(
  original: string,
  o: { from?: string; subject?: string; note?: string; partHeaders?: string[] } = {},
): string {
  const b = `fwd-${Math.random().toString(36).slice(2)}`;
  return crlf(
    [
      `From: ${o.from ?? 'Someone <someone@mailbox.example>'}`,
      `To: ${ABUSE}`,
      `Subject: ${o.subject ?? 'Fwd: 30% off all cartridges'}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      o.note ?? 'I never asked for this. Spam!',
      '',
      `--${b}`,
      ...(o.partHeaders ?? [
        'Content-Type: message/rfc822',
        'Content-Disposition: attachment; filename="spam.eml"',
      ]),
      '',
      original,
      `--${b}--`,
      '',
    ].join('\n'),
  );
}

export function plainMail(o: { to: string; subject: string; body: string }): string {
  return crlf(
    [
      'From: Someone <someone@mailbox.example>',
      `To: ${o.to}`,
      `Subject: ${o.subject}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      o.body,
      '',
    ].join('\n'),
  );
}
