// Reads one mail that reached abuse@ and says who it is about: SES notifications sent as mail
// (R-AB-3, R-AB-6: ses-mail.ts), ARF feedback reports (R-AB-1, R-AB-5: arf.ts) and forwarded spam
// (R-AB-2: forwarded.ts), one reader per kind. Pure apart from parsing: publishing and
// quarantine are the inbox's business.
import { sesEvents } from '@sp/contracts';
import { type ParsedMail, simpleParser } from 'mailparser';
import { readArf } from './arf';
import { type AttributionOptions, originalOf } from './attribution';
import { readForwarded } from './forwarded';
import { headerFields, mimeParts, parseContentType, splitMessage } from './mime';
import { sesNotificationInMail } from './ses-mail';

export type { TokenOpener } from './attribution';
export { tokensIn } from './attribution';
export { headerFields } from './mime';

export interface ComplaintFound {
  kind: 'complaint';
  email: string;
  data: Record<string, unknown>;
  occurredAt?: string;
}
export interface BounceFound {
  kind: 'bounce';
  email: string;
  data: Record<string, unknown>;
  occurredAt?: string;
}
/** A removal request (ARF opt-out): an email-marketing opt-out, not a complaint. */
export interface OptOutFound {
  kind: 'optout';
  email: string;
  data: Record<string, unknown>;
  occurredAt?: string;
}
export type Found = ComplaintFound | BounceFound | OptOutFound;

export type Analysis =
  | { ok: true; found: Found[]; evidence: Record<string, unknown> }
  | { ok: false; reason: string; evidence: Record<string, unknown> };

export type AnalyzeOptions = AttributionOptions;

export async function analyzeReport(raw: Buffer, opts: AnalyzeOptions): Promise<Analysis> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw);
  } catch {
    return { ok: false, reason: 'unparseable', evidence: {} };
  }
  const evidence: Record<string, unknown> = { reportMessageId: mail.messageId ?? null };

  const ses = sesNotificationInMail(mail);
  if (ses) {
    const found = sesEvents(ses);
    if (found.length === 0) return { ok: false, reason: 'ses-notification-without-recipients', evidence };
    return { ok: true, found, evidence: { ...evidence, via: 'ses-mail' } };
  }

  const text = raw.toString('utf8');
  const ct = parseContentType(headerFields(splitMessage(text).head).get('content-type')?.[0]);
  const parts = mimeParts(text);
  const original = await originalOf(parts);
  const originalMessageId = original?.parsed?.messageId;
  if (originalMessageId) evidence.originalMessageId = originalMessageId;
  const isArf =
    (ct.type === 'multipart/report' && ct.params['report-type']?.toLowerCase() === 'feedback-report') ||
    parts.some((p) => p.type === 'message/feedback-report');
  return isArf
    ? readArf(mail, parts, original, opts, evidence)
    : readForwarded(mail, original, opts, evidence);
}
