// Who a reported mail was sent to, shared by the ARF and the forwarded-spam readers. Our own
// evidence in the original comes first: the RFC 9477 CFBL-Feedback-ID and the recipient token
// (header, https unsubscribe link, mailto) are sealed, so they name the person exactly whatever
// the provider redacted. Then the original's own recipient fields, when they name one plain
// address that is not redacted (R-AB-1, R-AB-2).
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { headerFields, type MimePart, splitMessage } from './mime';

export interface TokenOpener {
  open(token: string): { email: string; topic?: string; campaignId?: string };
}

export interface AttributionOptions {
  sealer: TokenOpener;
  /** Lower-case name of our own recipient-token header. */
  recipientTokenHeader: string;
  /** Our own mailboxes: never taken for a complainant (a forward's To is abuse@). */
  ownAddresses: string[];
}

export interface Original {
  headersText: string;
  headers: Map<string, string[]>;
  parsed: ParsedMail | null;
}

/** What our own sealed evidence says about the person. */
export interface OurClaims {
  email: string;
  topic?: string;
  campaignId?: string;
  by: 'cfbl-feedback-id' | 'recipient-token' | 'inline-token';
}

// text/rfc822-header (singular) is seen in the wild (sisimai arf-12).
const ORIGINAL_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'text/rfc822-header']);

export async function originalOf(parts: MimePart[]): Promise<Original | null> {
  const part = parts.find((p) => ORIGINAL_TYPES.has(p.type));
  if (!part) return null;
  const headersText = splitMessage(part.body).head;
  let parsed: ParsedMail | null = null;
  try {
    parsed = await simpleParser(Buffer.from(part.body, 'utf8'));
  } catch {
    parsed = null;
  }
  return { headersText, headers: headerFields(headersText), parsed };
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

function openFirst(sealer: TokenOpener, tokens: string[]) {
  for (const t of tokens) {
    try {
      return sealer.open(t);
    } catch {
      // A token that does not open (cut, foreign, tampered) is just not evidence.
    }
  }
  return null;
}

function claims(opened: ReturnType<TokenOpener['open']> | null, by: OurClaims['by']): OurClaims | null {
  if (!opened) return null;
  return {
    email: opened.email,
    ...(opened.topic ? { topic: opened.topic } : {}),
    ...(opened.campaignId ? { campaignId: opened.campaignId } : {}),
    by,
  };
}

/** Our CFBL-Feedback-ID (RFC 9477), else our recipient token, in the original's headers. */
export function ourClaimsIn(original: Original | null, opts: AttributionOptions): OurClaims | null {
  if (!original) return null;
  const cfbl = (original.headers.get('cfbl-feedback-id') ?? []).map((v) => v.trim());
  return (
    claims(openFirst(opts.sealer, cfbl), 'cfbl-feedback-id') ??
    claims(
      openFirst(opts.sealer, tokensIn(original.headersText, opts.recipientTokenHeader)),
      'recipient-token',
    )
  );
}

/** Our token quoted in the text of a mail forwarded inline. */
export function inlineClaims(mail: ParsedMail, opts: AttributionOptions): OurClaims | null {
  const text = `${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`;
  return claims(openFirst(opts.sealer, tokensIn(text, opts.recipientTokenHeader)), 'inline-token');
}

export function bareAddress(s: string): string | null {
  const m = /<?([^<>\s;,]+@[^<>\s;,]+)>?/.exec(s.replace(/^rfc822;\s*/i, ''));
  return m?.[1] ?? null;
}

// Placeholders providers put where the recipient was (RFC 6590 redaction): "redacted@",
// "xxxxx@", "***@", "hashed@", "Undisclosed Recipients", "anonymous@" ...
const REDACTED_LOCAL = /redact|undisclosed|hashed|anonym|^(?:unknown|recipient)$|x{3,}|\*|#{2,}|^[x._-]+$/i;
// Mailboxes of the reporting side itself (a provider's FBL or DMARC address in the To).
const ROLE_LOCAL =
  /^(?:abuse|postmaster|fbl|feedback|feedbackloop|feedback-loop|arf|staff|dmarc|noreply|no-reply)$/i;

export interface RecipientContext {
  /** Our own mailboxes. */
  own: Set<string>;
  /** Addresses of the reporter (the report's From, Sender, Reply-To), lower-case. */
  reporters: Set<string>;
}

/** An address a person could own: plain, not ours, not the reporter's, not a redaction placeholder. */
export function isPlainRecipient(address: string, ctx: RecipientContext): boolean {
  const a = address.toLowerCase();
  const at = a.lastIndexOf('@');
  if (at <= 0 || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a)) return false;
  if (ctx.own.has(a) || ctx.reporters.has(a)) return false;
  const local = a.slice(0, at);
  const domain = a.slice(at + 1);
  if (REDACTED_LOCAL.test(local)) return false;
  const reporterDomains = new Set([...ctx.reporters].map((r) => r.slice(r.lastIndexOf('@') + 1)));
  return !(reporterDomains.has(domain) && ROLE_LOCAL.test(local));
}

function addresses(v: AddressObject | AddressObject[] | undefined): string[] {
  if (!v) return [];
  const list = Array.isArray(v) ? v : [v];
  // mailparser gives a plain string for a field it could not read as addresses: no address then.
  return list.flatMap((a) =>
    Array.isArray(a?.value) ? a.value.map((x) => x.address).filter((x): x is string => Boolean(x)) : [],
  );
}

/**
 * The original's single plain recipient: Delivered-To, then X-Original-To, then Microsoft's
 * X-HmXmrOriginalRecipient (the Outlook.com mailbox a JMRP complaint is about, present even when
 * the mail went Bcc: sisimai arf-22), then To. A field naming several different people, or only
 * placeholders, says nothing.
 */
export function recipientOfOriginal(
  original: Original,
  ctx: RecipientContext,
): { email: string; by: 'delivered-to' | 'x-original-to' | 'x-hmxmroriginalrecipient' | 'to' } | null {
  const fromField = (name: string) =>
    (original.headers.get(name) ?? []).map(bareAddress).filter((a): a is string => Boolean(a));
  const fields = [
    ['delivered-to', fromField('delivered-to')],
    ['x-original-to', fromField('x-original-to')],
    ['x-hmxmroriginalrecipient', fromField('x-hmxmroriginalrecipient')],
    ['to', addresses(original.parsed?.to)],
  ] as const;
  for (const [by, list] of fields) {
    // Our own mailboxes (a forward's abuse@) do not count; a placeholder does: the person it
    // hides may be the one who complained.
    const people = list.filter((a) => !ctx.own.has(a.toLowerCase()));
    if (new Set(people.map((a) => a.toLowerCase())).size !== 1) continue;
    const [email] = people;
    if (email && isPlainRecipient(email, ctx)) return { email, by };
  }
  return null;
}

/** The reporter's own addresses, from the report's From, Sender and Reply-To. */
export function reportersOf(mail: ParsedMail): Set<string> {
  const fields = [mail.from, mail.replyTo, mail.headers.get('sender') as AddressObject | undefined];
  return new Set(fields.flatMap((f) => addresses(f)).map((a) => a.toLowerCase()));
}
