// The mail for one prepared request. Marketing mail carries the one-click headers (R-OC-1), a
// visible unsubscribe link, the postal address (CAN-SPAM) and RFC 9477's CFBL-Address and
// CFBL-Feedback-ID (present at send, so SES's DKIM signature covers them, R-AB-5); every mail
// carries our recipient token so a forwarded or redacted spam report can still be attributed
// (R-AB-1/2).
import type { EmailSendRequestData } from '@sp/contracts';
import { kindOf, type Prepared, render } from '@sp/delivery';
import type { createSealer } from '@sp/identity';
import type { OutgoingMail } from './transport';

export type Sealer = ReturnType<typeof createSealer>;

export interface ComposeSettings {
  from: string;
  /** e.g. https://shop.example (no trailing slash). */
  publicBaseUrl: string;
  unsubscribeDomain: string;
  postalAddress: string;
  /** The brand's name (issue 13), put before the postal address in the footer when it lacks it. */
  brandName?: string;
  /**
   * RFC 9477 CFBL-Address (where mailbox providers send ARF reports), e.g. abuse@shop.example;
   * default abuse@ the From domain, which DKIM aligns with.
   */
  cfblAddress?: string;
}

export const RECIPIENT_TOKEN_HEADER = 'X-SP-Recipient-Token';
export const MESSAGE_ID_HEADER = 'X-SP-Message-Id';
export const CFBL_FEEDBACK_ID_HEADER = 'CFBL-Feedback-ID';

/** abuse@ the domain of a From such as "Shop <news@shop.example>"; undefined when it has none. */
export function defaultCfblAddress(from: string): string | undefined {
  const domain = /@([^>\s@]+)>?\s*$/.exec(from)?.[1];
  return domain ? `abuse@${domain.toLowerCase()}` : undefined;
}

/** Variables the sender fills itself; templates may place them (else a footer carries them). */
export const SENDER_VARIABLES = ['unsubscribeUrl', 'postalAddress'];

export function unsubscribeLinks(token: string, s: ComposeSettings): { https: string; mailto: string } {
  return {
    https: `${s.publicBaseUrl}/u/${token}`,
    mailto: `mailto:unsubscribe+${token}@${s.unsubscribeDomain}`,
  };
}

/** A header line has no white space to fold this value at: it stays far below 998 characters. */
const MAX_FEEDBACK_ID = 256;

/**
 * RFC 9477 (R-AB-5): the CFBL-Feedback-ID is sealed (address and campaign, no topic, to stay
 * short; about 90 characters for a usual address), so a report whose recipient fields are all
 * redacted still names the person. An over-long campaign id is left out, then the header.
 */
export function cfblFeedbackId(sealer: Sealer, email: string, campaignId?: string): string | undefined {
  const full = sealer.seal({ email, ...(campaignId ? { campaignId } : {}) });
  if (full.length <= MAX_FEEDBACK_ID) return full;
  const bare = sealer.seal({ email });
  return bare.length <= MAX_FEEDBACK_ID ? bare : undefined;
}

const escapeHtml = (x: string) =>
  x.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function composeEmail(
  p: Prepared<EmailSendRequestData>,
  sealer: Sealer,
  s: ComposeSettings,
): OutgoingMail {
  const marketing = kindOf(p.template) === 'marketing';
  const token = sealer.seal({
    email: p.subject.value,
    ...(p.topic ? { topic: p.topic } : {}),
    ...(p.request.campaignId ? { campaignId: p.request.campaignId } : {}),
  });
  const links = unsubscribeLinks(token, s);
  const rendered = render(p.template, {
    ...p.request.variables,
    unsubscribeUrl: marketing ? links.https : '',
    postalAddress: s.postalAddress,
  });
  // R-EM-7: the footer's postal line names the brand when the address alone does not.
  const postal =
    s.brandName && !s.postalAddress.includes(s.brandName)
      ? `${s.brandName}, ${s.postalAddress}`
      : s.postalAddress;
  let text = rendered.text;
  let html = rendered.html;
  const headers = [
    { name: RECIPIENT_TOKEN_HEADER, value: token },
    { name: MESSAGE_ID_HEADER, value: p.request.messageId },
  ];
  if (marketing) {
    // R-OC-1: https first, then mailto; angle brackets, comma-separated.
    headers.push(
      { name: 'List-Unsubscribe', value: `<${links.https}>, <${links.mailto}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    );
    const cfblAddress = s.cfblAddress ?? defaultCfblAddress(s.from);
    if (cfblAddress) {
      headers.push({ name: 'CFBL-Address', value: `${cfblAddress}; report=arf` });
      const feedbackId = cfblFeedbackId(sealer, p.subject.value, p.request.campaignId);
      if (feedbackId) headers.push({ name: CFBL_FEEDBACK_ID_HEADER, value: feedbackId });
    }
    if (!text.includes(links.https)) text += `\n\n--\nUnsubscribe: ${links.https}`;
    if (!text.includes(s.postalAddress)) text += `\n${postal}`;
    if (html !== undefined) {
      const footer: string[] = [];
      if (!html.includes(escapeHtml(links.https))) {
        footer.push(`<a href="${escapeHtml(links.https)}">Unsubscribe</a>`);
      }
      if (!html.includes(escapeHtml(s.postalAddress))) footer.push(escapeHtml(postal));
      if (footer.length > 0) html += `\n<p style="font-size:12px;color:#666">${footer.join('<br>')}</p>`;
    }
  }
  return {
    from: s.from,
    to: p.request.to.trim(),
    subject: rendered.subject ?? p.template.id,
    text,
    html,
    headers,
    tags: [{ name: 'category', value: p.template.category }],
  };
}
