// A person forwarding a spam to abuse@, not ARF (R-AB-2): the original attached (message/rfc822)
// or only quoted inline. Our sealed evidence in the original names the person exactly; else its
// single plain recipient; else, forwarded inline, our token may survive in the quoted text.
import type { ParsedMail } from 'mailparser';
import {
  type AttributionOptions,
  inlineClaims,
  type Original,
  ourClaimsIn,
  recipientOfOriginal,
} from './attribution';
import type { Analysis } from './report';

export function readForwarded(
  mail: ParsedMail,
  original: Original | null,
  opts: AttributionOptions,
  evidence: Record<string, unknown>,
): Analysis {
  // The person forwarding is the complainant: only our own mailboxes and placeholders are ruled out.
  const ctx = { own: new Set(opts.ownAddresses.map((a) => a.toLowerCase())), reporters: new Set<string>() };
  const ours = original ? ourClaimsIn(original, opts) : inlineClaims(mail, opts);
  const inOriginal = !ours && original ? recipientOfOriginal(original, ctx) : null;
  const email = ours?.email ?? inOriginal?.email ?? null;
  evidence.attributedBy = ours?.by ?? inOriginal?.by ?? null;
  if (!email)
    return { ok: false, reason: original ? 'forward-unattributable' : 'no-original-message', evidence };
  const originalMessageId = original?.parsed?.messageId;
  const data = {
    email,
    kind: 'forwarded',
    ...(originalMessageId ? { originalMessageId } : {}),
    ...(ours?.campaignId ? { campaignId: ours.campaignId } : {}),
  };
  return { ok: true, found: [{ kind: 'complaint', email, data }], evidence };
}
