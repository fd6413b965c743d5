// Reads one mail that reached abuse@ and says who complained: ARF feedback reports (R-AB-1),
// forwarded spam (R-AB-2) and SES notifications forwarded as mail (R-AB-3). Pure apart from
// parsing: publishing and quarantine are the inbox's business.

import { SesNotification, sesEvents } from '@sp/contracts';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { headerFields, type MimePart, mimeParts, parseContentType, splitMessage } from './mime';

export { headerFields } from './mime';

export interface TokenOpener {
  open(token: string): { email: string; topic?: string; campaignId?: string };
}

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
export type Found = ComplaintFound | BounceFound;

export type Analysis =
  | { ok: true; found: Found[]; evidence: Record<string, unknown> }
  | { ok: false; reason: string; evidence: Record<string, unknown> };

export interface AnalyzeOptions {
  sealer: TokenOpener;
  /** Lower-case name of our own recipient-token header. */
  recipientTokenHeader: string;
  /** Our own mailboxes: never taken for a complainant (a forward's To is abuse@). */
  ownAddresses: string[];
}

/** ARF reports we act on; "not-spam" and "auth-failure" are kept for an operator instead. */
const ACTIONABLE_FEEDBACK = new Set(['abuse', 'fraud', 'virus', 'other']);

function addresses(v: AddressObject | AddressObject[] | undefined): string[] {
  if (!v) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.flatMap((a) => a.value.map((x) => x.address).filter((x): x is string => Boolean(x)));
}

function bareAddress(s: string): string | null {
  const m = /<?([^<>\s;]+@[^<>\s;]+)>?/.exec(s.replace(/^rfc822;\s*/i, ''));
  return m?.[1] ?? null;
}

/** Sealed tokens our mail carries: our header, the https unsubscribe link, the mailto. */
export function tokensIn(text: string, headerName: string): string[] {
  const found: string[] = [];
  const h = new RegExp(`^${headerName.replace(/[-]/g, '\\-')}:[ \\t]*([A-Za-z0-9._~-]+)`, 'gim');
  for (const m of text.matchAll(h)) if (m[1]) found.push(m[1]);
  for (const m of text.matchAll(/\/u\/([A-Za-z0-9._~-]{16,})/g)) if (m[1]) found.push(m[1]);
  for (const m of text.matchAll(/unsubscribe\+([A-Za-z0-9._~-]{16,})@/gi)) if (m[1]) found.push(m[1]);
  return [...new Set(found)];
}

function openFirst(opts: AnalyzeOptions, tokens: string[]) {
  for (const t of tokens) {
    try {
      return opts.sealer.open(t);
    } catch {
      // A token that does not open (cut, foreign, tampered) is just not evidence.
    }
  }
  return null;
}

function isoDate(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? s : new Date(t).toISOString();
}

interface Original {
  headersText: string;
  parsed: ParsedMail | null;
}

async function originalOf(parts: MimePart[]): Promise<Original | null> {
  const part = parts.find((p) => p.type === 'message/rfc822' || p.type === 'text/rfc822-headers');
  if (!part) return null;
  const headersText = splitMessage(part.body).head;
  let parsed: ParsedMail | null = null;
  try {
    parsed = await simpleParser(Buffer.from(part.body, 'utf8'));
  } catch {
    parsed = null;
  }
  return { headersText, parsed };
}

function sesFromBody(mail: ParsedMail): SesNotification | null {
  const text = (mail.text ?? '').trim();
  if (!text.startsWith('{')) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  // Either the SES notification itself or the SNS envelope around it.
  if (json && typeof json === 'object' && 'Message' in json && typeof json.Message === 'string') {
    try {
      json = JSON.parse(json.Message);
    } catch {
      return null;
    }
  }
  const r = SesNotification.safeParse(json);
  return r.success && (r.data.notificationType || r.data.eventType) ? r.data : null;
}

export async function analyzeReport(raw: Buffer, opts: AnalyzeOptions): Promise<Analysis> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw);
  } catch {
    return { ok: false, reason: 'unparseable', evidence: {} };
  }
  const evidence: Record<string, unknown> = { reportMessageId: mail.messageId ?? null };
  const own = new Set(opts.ownAddresses.map((a) => a.toLowerCase()));

  const ses = sesFromBody(mail);
  if (ses) {
    const found = sesEvents(ses);
    if (found.length === 0) return { ok: false, reason: 'ses-notification-without-recipients', evidence };
    return { ok: true, found, evidence: { ...evidence, via: 'ses-mail' } };
  }

  const text = raw.toString('utf8');
  const ct = parseContentType(headerFields(splitMessage(text).head).get('content-type')?.[0]);
  const isArf =
    ct.type === 'multipart/report' && ct.params['report-type']?.toLowerCase() === 'feedback-report';
  const parts = mimeParts(text);
  const original = await originalOf(parts);
  const originalMessageId = original?.parsed?.messageId;
  if (originalMessageId) evidence.originalMessageId = originalMessageId;
  const tokens = original ? tokensIn(original.headersText, opts.recipientTokenHeader) : [];
  const opened = openFirst(opts, tokens);

  if (isArf) {
    const report = parts.find((p) => p.type === 'message/feedback-report');
    if (!report) return { ok: false, reason: 'arf-without-feedback-report', evidence };
    const f = headerFields(report.body);
    const feedbackType = f.get('feedback-type')?.[0]?.toLowerCase();
    evidence.feedbackType = feedbackType ?? null;
    if (feedbackType && !ACTIONABLE_FEEDBACK.has(feedbackType)) {
      return { ok: false, reason: `arf-feedback-type-${feedbackType}`, evidence };
    }
    // R-AB-1: Original-Rcpt-To when given; else our own token in the original.
    let emails = (f.get('original-rcpt-to') ?? []).map(bareAddress).filter((a): a is string => Boolean(a));
    emails = emails.filter((a) => !own.has(a.toLowerCase()));
    evidence.attributedBy = emails.length > 0 ? 'original-rcpt-to' : opened ? 'recipient-token' : null;
    if (emails.length === 0 && opened) emails = [opened.email];
    if (emails.length === 0) return { ok: false, reason: 'arf-unattributable', evidence };
    const base = {
      kind: 'arf',
      ...(feedbackType ? { feedbackType } : {}),
      ...(f.get('user-agent')?.[0] ? { userAgent: f.get('user-agent')![0] } : {}),
      ...(originalMessageId ? { originalMessageId } : {}),
      ...(opened?.campaignId ? { campaignId: opened.campaignId } : {}),
      ...(f.get('reported-domain')?.[0] ? { reportedDomain: f.get('reported-domain')![0] } : {}),
      ...(f.get('arrival-date')?.[0] ? { arrivalDate: isoDate(f.get('arrival-date')![0]) } : {}),
    };
    const arrival = isoDate(f.get('arrival-date')?.[0]);
    return {
      ok: true,
      found: [...new Set(emails)].map((email) => ({
        kind: 'complaint' as const,
        email,
        data: { email, ...base },
        ...(arrival && !Number.isNaN(Date.parse(arrival)) ? { occurredAt: arrival } : {}),
      })),
      evidence,
    };
  }

  // R-AB-2: forwarded spam. Our token first (it names the person exactly), then the original's
  // Delivered-To, then its single To.
  let email: string | null = null;
  let attributedBy: string | null = null;
  let campaignId: string | undefined;
  if (opened) {
    email = opened.email;
    campaignId = opened.campaignId;
    attributedBy = 'recipient-token';
  } else if (original) {
    const delivered = headerFields(original.headersText)
      .get('delivered-to')
      ?.map(bareAddress)
      .filter((a): a is string => Boolean(a) && !own.has(a!.toLowerCase()));
    const to = addresses(original.parsed?.to).filter((a) => !own.has(a.toLowerCase()));
    if (delivered && delivered.length > 0) {
      email = delivered[0]!;
      attributedBy = 'delivered-to';
    } else if (to.length === 1) {
      email = to[0]!;
      attributedBy = 'to';
    }
  } else {
    // Forwarded inline: our token may survive in the quoted text.
    const inline = openFirst(
      opts,
      tokensIn(
        `${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`,
        opts.recipientTokenHeader,
      ),
    );
    if (inline) {
      email = inline.email;
      campaignId = inline.campaignId;
      attributedBy = 'inline-token';
    }
  }
  evidence.attributedBy = attributedBy;
  if (!email)
    return { ok: false, reason: original ? 'forward-unattributable' : 'no-original-message', evidence };
  const data = {
    email,
    kind: 'forwarded',
    ...(originalMessageId ? { originalMessageId } : {}),
    ...(campaignId ? { campaignId } : {}),
  };
  return { ok: true, found: [{ kind: 'complaint', email, data }], evidence };
}
