// SES notifications that reach abuse@ as mail (R-AB-3, R-AB-6): an SNS subscription with the
// email protocol sends the notification JSON followed by SNS's footer, the email-json protocol
// sends the whole SNS envelope (`Type`, `MessageId`, `Message` holding the notification as a
// string, ...), and a person or a mail rule may forward either as an attachment. On the way the
// long JSON line is often wrapped: sendmail splits lines over ~990 characters with "!", a line
// break and a space (sisimai's lhost-amazonses-09/10), other relays fold with a line break and a
// space, quoted-printable and format=flowed hard-wrap it. The notification itself is read by the
// same code as the signed HTTP path (@sp/contracts).
import { type SesNotification, sesNotificationOf } from '@sp/contracts';
import type { Attachment, ParsedMail } from 'mailparser';

/** SNS's footer: a "--" line, then the unsubscribe link and the do-not-reply note. */
const SNS_FOOTER =
  /(?:^|\r?\n)--[ \t]*\r?\n[ \t]*If you wish to stop receiving notifications from this topic[\s\S]*$/i;

/** The text with each way of wrapping a long line undone, most faithful first. */
function unwrappings(text: string): string[] {
  const sendmail = text.replace(/!\r?\n /g, '');
  const folded = sendmail.replace(/\r?\n /g, '');
  // JSON strings hold no raw line break, and between tokens one is only white space: a hard wrap
  // without a marker is undone by dropping every break.
  return [...new Set([text, sendmail, folded, folded.replace(/\r?\n/g, '')])];
}

/** The SES notification in a text (the notification or SNS envelope JSON, footer and wrapping allowed). */
function sesNotificationInText(text: string): SesNotification | null {
  const body = text.replace(SNS_FOOTER, '');
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end < start) return null;
  for (const candidate of unwrappings(body.slice(start, end + 1))) {
    let json: unknown;
    try {
      json = JSON.parse(candidate);
    } catch {
      continue;
    }
    return sesNotificationOf(json);
  }
  return null;
}

function mayHoldJson(a: Attachment): boolean {
  // mailparser gives `false`, not a string, for an empty Content-Type (found by the SMTP fuzz test).
  const type = typeof a.contentType === 'string' ? a.contentType.toLowerCase() : '';
  return (
    type === 'application/json' ||
    type === 'text/json' ||
    type === 'text/plain' ||
    (type === 'application/octet-stream' && /\.(json|txt)$/i.test(a.filename ?? ''))
  );
}

/** The SES notification a mail carries in its text body or in a JSON/text attachment. */
export function sesNotificationInMail(mail: ParsedMail): SesNotification | null {
  const texts = [
    mail.text ?? '',
    ...mail.attachments.filter(mayHoldJson).map((a) => a.content.toString('utf8')),
  ];
  for (const text of texts) {
    const found = sesNotificationInText(text);
    if (found) return found;
  }
  return null;
}
