// Reads one mail that reached abuse@ and says who it is about: SES notifications sent as mail
// (R-AB-3, R-AB-6: ses-mail.ts), ARF feedback reports (R-AB-1, R-AB-5: arf.ts) and forwarded spam
// (R-AB-2: forwarded.ts), one reader per kind. Pure apart from parsing: publishing and
// quarantine are the inbox's business.
import { sesEvents } from '@sp/contracts';
import { type ParsedMail, simpleParser } from 'mailparser';
import { readArf } from './arf';
import { type AttributionOptions, originalOf } from './attribution';
import { readForwarded } from './forwarded';
import { headerFields, type MimePart, mimeParts, parseContentType, splitMessage } from './mime';
import { sesNotificationInMail } from './ses-mail';

/** Someone a mail is about, and what it says of them. */
interface Finding<K extends string> {
  kind: K;
  email: string;
  data: Record<string, unknown>;
  occurredAt?: string;
  /** Evidence of this finding alone (an SES feedbackId), beside the report's. */
  evidence?: Record<string, unknown>;
}
type ComplaintFound = Finding<'complaint'>;
type BounceFound = Finding<'bounce'>;
/** A removal request (ARF opt-out): an email-marketing opt-out, not a complaint. */
type OptOutFound = Finding<'optout'>;
export type Found = ComplaintFound | BounceFound | OptOutFound;

export type Analysis =
  | { ok: true; found: Found[]; evidence: Record<string, unknown> }
  | { ok: false; reason: string; evidence: Record<string, unknown> };

export type AnalyzeOptions = AttributionOptions;

/**
 * A bounce that reached abuse@ is no complaint: its enclosed original names the recipient that
 * bounced, not someone who reported spam. RFC 3464 reports, and the older bounce formats by
 * their null sender or mailer-daemon (sisimai's lhost-postfix, -qmail, -exchange2003 samples).
 */
function isDeliveryStatus(
  head: Map<string, string[]>,
  reportType: string | undefined,
  parts: MimePart[],
): boolean {
  if (reportType === 'delivery-status' || parts.some((p) => p.type === 'message/delivery-status'))
    return true;
  // headerFields() trims each value and keeps only names it saw: a list is never empty.
  const first = (name: string) => head.get(name)?.[0] ?? '';
  return (
    (head.has('return-path') && /^<?\s*>?$/.test(first('return-path'))) ||
    /mailer-daemon/i.test(first('return-path')) ||
    /<?mailer-daemon@/i.test(first('from')) ||
    /auto-generated\s*\(failure\)/i.test(first('auto-submitted'))
  );
}

export async function analyzeReport(raw: Buffer, opts: AnalyzeOptions): Promise<Analysis> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw);
  } catch {
    return { ok: false, reason: 'unparseable', evidence: {} };
  }
  try {
    return await analyzeParsed(raw, mail, opts);
  } catch (err) {
    // A reader bug must not turn into a 451 that the forwarding server retries for days:
    // the mail is kept for an operator instead (no suppression is lost, it is reviewable).
    return {
      ok: false,
      reason: `reader-failed:${err instanceof Error ? err.name : 'unknown'}`,
      evidence: {},
    };
  }
}

async function analyzeParsed(raw: Buffer, mail: ParsedMail, opts: AnalyzeOptions): Promise<Analysis> {
  const evidence: Record<string, unknown> = { reportMessageId: mail.messageId ?? null };

  const text = raw.toString('utf8');
  const head = headerFields(splitMessage(text).head);
  const ct = parseContentType(head.get('content-type')?.[0]);
  const parts = mimeParts(text);
  const original = await originalOf(parts);

  // The SNS mail itself, or forwarded to abuse@ as an attached message.
  const ses =
    sesNotificationInMail(mail) ?? (original?.parsed ? sesNotificationInMail(original.parsed) : null);
  if (ses) {
    const found = sesEvents(ses);
    if (found.length === 0) return { ok: false, reason: 'ses-notification-without-recipients', evidence };
    return { ok: true, found, evidence: { ...evidence, via: 'ses-mail' } };
  }

  const originalMessageId = original?.parsed?.messageId;
  if (originalMessageId) evidence.originalMessageId = originalMessageId;
  const reportType = ct.type === 'multipart/report' ? ct.params['report-type']?.toLowerCase() : undefined;
  const isArf = reportType === 'feedback-report' || parts.some((p) => p.type === 'message/feedback-report');
  if (!isArf && isDeliveryStatus(head, reportType, parts))
    return { ok: false, reason: 'delivery-status-notification', evidence };
  return isArf
    ? readArf(mail, parts, original, opts, evidence)
    : readForwarded(mail, original, opts, evidence);
}
