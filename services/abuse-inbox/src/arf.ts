// RFC 5965 feedback reports (R-AB-1, R-AB-5). Complaints (abuse, fraud, virus, other) name the
// complainant by our own sealed evidence in the original (CFBL-Feedback-ID, recipient token),
// else Original-Rcpt-To, else the original's single plain recipient. `opt-out` / `opt-out-list`
// with Removal-Recipient (RFC 6650) is a removal request: an opt-out, not a report to review.
// `auth-failure` (DMARC) and `not-spam` never suppress: they are kept for an operator.
import type { ParsedMail } from 'mailparser';
import {
  type AttributionOptions,
  bareAddress,
  isPlainRecipient,
  type Original,
  ourClaimsIn,
  recipientOfOriginal,
  reportersOf,
} from './attribution';
import { headerFields, type MimePart } from './mime';
import type { Analysis, Found } from './report';

const COMPLAINT_TYPES = new Set(['abuse', 'fraud', 'virus', 'other']);
const OPT_OUT_TYPES = new Set(['opt-out', 'opt-out-list']);

function isoDate(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function readArf(
  mail: ParsedMail,
  parts: MimePart[],
  original: Original | null,
  opts: AttributionOptions,
  evidence: Record<string, unknown>,
): Analysis {
  const report = parts.find((p) => p.type === 'message/feedback-report');
  if (!report) return { ok: false, reason: 'arf-without-feedback-report', evidence };
  const f = headerFields(report.body);
  const first = (name: string) => f.get(name)?.[0] || undefined;
  const feedbackType = first('feedback-type')?.toLowerCase();
  evidence.feedbackType = feedbackType ?? null;
  const isOptOut = feedbackType !== undefined && OPT_OUT_TYPES.has(feedbackType);
  if (feedbackType && !isOptOut && !COMPLAINT_TYPES.has(feedbackType)) {
    return { ok: false, reason: `arf-feedback-type-${feedbackType}`, evidence };
  }

  const ctx = { own: new Set(opts.ownAddresses.map((a) => a.toLowerCase())), reporters: reportersOf(mail) };
  const listed = (name: string) =>
    (f.get(name) ?? []).map(bareAddress).filter((a): a is string => Boolean(a) && isPlainRecipient(a!, ctx));
  const ours = ourClaimsIn(original, opts);
  // RFC 6650: the address to remove is named outright; a complaint's Original-Rcpt-To may be a
  // forwarding address, so there our sealed evidence names the person better.
  const removal = isOptOut ? listed('removal-recipient') : [];
  const rcptTo = listed('original-rcpt-to');
  const inOriginal = original ? recipientOfOriginal(original, ctx) : null;
  let emails: string[] = [];
  let attributedBy: string | null = null;
  if (removal.length > 0) [emails, attributedBy] = [removal, 'removal-recipient'];
  else if (ours) [emails, attributedBy] = [[ours.email], ours.by];
  else if (rcptTo.length > 0) [emails, attributedBy] = [rcptTo, 'original-rcpt-to'];
  else if (inOriginal) [emails, attributedBy] = [[inOriginal.email], inOriginal.by];
  evidence.attributedBy = attributedBy;
  if (emails.length === 0) return { ok: false, reason: 'arf-unattributable', evidence };

  const userAgent = first('user-agent');
  const originalMessageId = original?.parsed?.messageId;
  const arrival = isoDate(first('arrival-date') ?? first('received-date'));
  const occurred = arrival ? { occurredAt: arrival } : {};
  const unique = [...new Set(emails)];
  if (isOptOut) {
    // opt-out-list removes from the list the original came from, when our evidence says which.
    const topic = feedbackType === 'opt-out-list' && ours?.topic ? ours.topic : '*';
    if (userAgent) evidence.userAgent = userAgent;
    return {
      ok: true,
      evidence,
      found: unique.map(
        (email): Found => ({
          kind: 'optout',
          email,
          data: {
            email,
            topic,
            method: 'feedback-report',
            ...(ours?.campaignId ? { campaignId: ours.campaignId } : {}),
          },
          ...occurred,
        }),
      ),
    };
  }
  const base = {
    kind: 'arf',
    ...(feedbackType ? { feedbackType } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(originalMessageId ? { originalMessageId } : {}),
    ...(ours?.campaignId ? { campaignId: ours.campaignId } : {}),
    ...(first('reported-domain') ? { reportedDomain: first('reported-domain') } : {}),
    ...(arrival ? { arrivalDate: arrival } : {}),
  };
  return {
    ok: true,
    evidence,
    found: unique.map(
      (email): Found => ({ kind: 'complaint', email, data: { email, ...base }, ...occurred }),
    ),
  };
}
