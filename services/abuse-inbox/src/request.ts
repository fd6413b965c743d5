// Mail to the support and newsletter-reply addresses (issue 19): does it ask to be removed, and
// who asks. The brand's privacy policy promises that "emailing us" or replying "unsubscribe" stops
// marketing, so a clear request from an authenticated sender opts that sender out. The From of a
// mail is trivial to forge, so it counts only with an aligned DMARC pass: from a receiving MTA we
// trust (its Authentication-Results) or from our own evaluation with mailauth.
import { authenticate, type DNSResolver } from 'mailauth';
import type { ParsedMail } from 'mailparser';

// --- does it ask? --------------------------------------------------------------------------

/** Where the quoted part of a reply starts (clients in English, French, Spanish, Outlook). */
const QUOTE_START = [
  /^>/,
  /^on\b.*\bwrote:?$/,
  /^le\b.*\ba ecrit ?:?$/,
  /^el\b.*\bescribio:?$/,
  /^-{2,}\s*(?:original message|message d'origine|mensaje original|forwarded message|message transfere|mensaje reenviado)/,
  /^(?:from|de|von|sent|envoye|enviado)\s*:\s/,
  /^_{8,}$/,
  // A signature: what follows is not the request.
  /^-- ?$/,
];

/** Requests to be removed, on text folded to lower case without accents. */
const ASKS = [
  /\bun-?subscribe\b/,
  /\bremove (?:me|my (?:e-?mail|address)|us)\b/,
  /\btake (?:me|my (?:e-?mail|address)) off\b/,
  /\bopt(?:[- ]?out|ing out)\b/,
  /^stop\b/,
  /\bstop (?:sending|emailing|e-mailing|mailing|all)\b/,
  /\bno more (?:e-?mails?|newsletters?)\b/,
  // French: se désabonner, désabonnez-moi, désinscrire, désinscription, retirez-moi.
  /\bdesabonn/,
  /\bdesinscri/,
  /\bretire[rz][- ]moi\b/,
  /\bretirer (?:mon adresse|mon e-?mail)\b/,
  /\bne (?:veux )?plus recevoir\b/,
  // Spanish: darme de baja, cancelar (mi) suscripción, eliminarme, desuscribirme.
  /\bdar(?:me|se)? de baja\b/,
  /^baja\b/,
  /\bcancelar (?:mi |la )?suscripcion\b/,
  /\beliminarme\b/,
  /\bdesuscribi/,
  /\bno (?:quiero )?recibir mas\b/,
];

/** Lower case, accents and typographic apostrophes folded, spaces collapsed. */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The lines a person wrote above any quoted part (at most the first `max` non-empty ones). */
function ownLines(text: string, max = 6): string[] {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const l = fold(line);
    if (QUOTE_START.some((q) => q.test(l))) break;
    if (l.length === 0) continue;
    lines.push(l);
    if (lines.length >= max) break;
  }
  return lines;
}

/**
 * True when the subject or the first lines the sender wrote ask to be removed. The quoted
 * newsletter below a reply carries our own "unsubscribe" footer: it is never read.
 */
export function asksToBeRemoved(subject: string, text: string): boolean {
  const subj = fold(subject).replace(/^(?:(?:re|aw|fw|fwd|tr|rv|sv|wg)\s*(?:\[\d+\])?\s*:\s*)+/, '');
  return [subj, ...ownLines(text)].some((l) => ASKS.some((a) => a.test(l)));
}

// --- who asks? -----------------------------------------------------------------------------

export type SenderAuth =
  | { ok: true; email: string; by: 'authentication-results' | 'dmarc'; domain: string }
  | { ok: false; reason: 'no-single-from' | 'dmarc-not-aligned'; detail?: string };

export interface AuthOptions {
  /** authserv-ids whose Authentication-Results are trusted, lower-case. */
  trustedAuthservIds: string[];
  /** DNS for our own evaluation; mailauth's default (the system's DNS) when absent. */
  resolver?: DNSResolver;
  /** Our host name, the authserv-id of our own evaluation. */
  mta: string;
  /** The SMTP session, when the mail came over SMTP. */
  session?: { ip?: string; helo?: string; mailFrom?: string };
}

/** Unfolded values of a header field, in order (top first). */
export function headerValues(mail: ParsedMail, name: string): string[] {
  return mail.headerLines
    .filter((h) => h.key === name)
    .map((h) =>
      h.line
        .slice(h.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

/** The one address in From, or null (none, several, or unreadable). */
function singleFrom(mail: ParsedMail): string | null {
  const list = mail.from?.value ?? [];
  const addresses = list.map((a) => a.address).filter((a): a is string => Boolean(a));
  return addresses.length === 1 && list.length === 1 ? addresses[0]! : null;
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * The `dmarc=` result of the topmost Authentication-Results from a trusted authserv-id, when it
 * evaluated this From domain (RFC 8601: "authserv-id; method=result ptype.prop=value ...").
 */
function trustedDmarc(headerValues: string[], trusted: string[], fromDomain: string): string | null {
  for (const value of headerValues) {
    const text = value.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ');
    const [idPart, ...results] = text.split(';');
    const authservId = idPart?.trim().split(' ')[0]?.toLowerCase();
    if (!authservId || !trusted.includes(authservId)) continue;
    for (const r of results) {
      const m = /^\s*dmarc\s*=\s*([a-z]+)\b(.*)$/i.exec(r);
      if (!m) continue;
      const from = /\bheader\.from\s*=\s*"?([^\s";]+)/i.exec(m[2] ?? '')?.[1]?.toLowerCase();
      if (from && from !== fromDomain) continue;
      return m[1]!.toLowerCase();
    }
    // The trusted host said nothing about DMARC: the next header is not more trustworthy.
    return null;
  }
  return null;
}

/** Authenticates the From of a mail: a trusted receiving MTA's DMARC pass, else our own. */
export async function authenticateSender(
  raw: Buffer,
  mail: ParsedMail,
  opts: AuthOptions,
): Promise<SenderAuth> {
  const email = singleFrom(mail);
  if (!email) return { ok: false, reason: 'no-single-from' };
  const domain = domainOf(email);
  if (trustedDmarc(headerValues(mail, 'authentication-results'), opts.trustedAuthservIds, domain) === 'pass')
    return { ok: true, email, by: 'authentication-results', domain };

  try {
    const result = await authenticate(raw, {
      ...(opts.session?.ip ? { ip: opts.session.ip } : {}),
      ...(opts.session?.helo ? { helo: opts.session.helo } : {}),
      ...(opts.session?.mailFrom ? { sender: opts.session.mailFrom } : {}),
      mta: opts.mta,
      ...(opts.resolver ? { resolver: opts.resolver } : {}),
      disableArc: true,
      disableBimi: true,
    });
    const dmarc = result.dmarc;
    if (dmarc && dmarc.status.result === 'pass' && dmarc.status.header?.from?.toLowerCase() === domain)
      return { ok: true, email, by: 'dmarc', domain };
    return { ok: false, reason: 'dmarc-not-aligned', detail: dmarc ? dmarc.status.result : 'none' };
  } catch (err) {
    // A DNS failure or a mail mailauth cannot read: not authenticated, kept for an operator.
    return { ok: false, reason: 'dmarc-not-aligned', detail: (err as Error).name };
  }
}
