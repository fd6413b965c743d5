// Normalization of identifiers into the one spelling the subject key is computed from.
import { domainToASCII, domainToUnicode } from 'node:url';
import {
  type CountryCode,
  findPhoneNumbersInText,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js';
import { InvalidIdentifierError, type SubjectType } from './errors';

export interface Subject {
  type: SubjectType;
  /** Normalized value (see normalizeEmail / normalizePhone / normalizeOpaqueId). */
  value: string;
}

// atext of RFC 5322 plus '.', and any non-ASCII character (RFC 6531 internationalized local parts).
const LOCAL_CHARS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-\u0080-\u{10FFFF}]+$/u;
const FORBIDDEN_LOCAL = /[\p{Cc}\p{Cs}\p{Z}\p{Cf}]/u;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function emailError(reason: string): InvalidIdentifierError {
  return new InvalidIdentifierError('email', reason);
}

/**
 * Trims, lower-cases (local part too: the platform treats addresses case-insensitively, as every
 * large mailbox provider does), and converts an internationalized domain to punycode. The local
 * part keeps its non-ASCII characters (NFC). Throws InvalidIdentifierError when it is not an address.
 */
export function normalizeEmail(raw: string): string {
  if (typeof raw !== 'string') throw emailError('not a string');
  const s = raw.trim();
  if (s === '') throw emailError('empty');
  if (s.length > 320) throw emailError('longer than 320 characters');
  const at = s.lastIndexOf('@');
  if (at < 0) throw emailError('no @');
  const rawLocal = s.slice(0, at);
  const rawDomain = s.slice(at + 1);
  if (rawLocal === '') throw emailError('empty local part');
  if (rawDomain === '') throw emailError('empty domain');
  if (rawLocal.includes('@')) throw emailError('more than one @');
  if (rawLocal.startsWith('"')) throw emailError('quoted local parts are not supported');
  if (FORBIDDEN_LOCAL.test(rawLocal)) throw emailError('whitespace or control character in local part');
  if (!LOCAL_CHARS.test(rawLocal)) throw emailError('character not allowed in local part');
  if (rawLocal.startsWith('.') || rawLocal.endsWith('.') || rawLocal.includes('..')) {
    throw emailError('misplaced dot in local part');
  }
  const local = rawLocal.normalize('NFC').toLowerCase().normalize('NFC');
  if (Buffer.byteLength(local, 'utf8') > 64) throw emailError('local part longer than 64 bytes');

  if (rawDomain.startsWith('[')) throw emailError('address literals are not supported');
  // domainToASCII percent-decodes and drops some characters; refuse those before it sees them.
  if (/[\s%/\\?#:[\]@<>"]/u.test(rawDomain) || FORBIDDEN_LOCAL.test(rawDomain)) {
    throw emailError('character not allowed in domain');
  }
  let domain = domainToASCII(rawDomain.normalize('NFC'));
  if (domain === '') throw emailError('invalid domain');
  // An A-label that does not decode names no domain: Node 20's domainToASCII refuses `xn--a`,
  // Node 24's URL parser passes it through unchanged (and leaves it so in domainToUnicode).
  if (domain.split('.').some((l) => l.startsWith('xn--') && domainToUnicode(l) === l)) {
    throw emailError('invalid domain');
  }
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (domain.length > 253) throw emailError('domain longer than 253 characters');
  const labels = domain.split('.');
  if (labels.length < 2) throw emailError('domain needs at least two labels');
  if (!labels.every((l) => LABEL.test(l))) throw emailError('invalid domain label');
  if (/^[0-9]+$/.test(labels.at(-1)!)) throw emailError('numeric top-level domain');
  return `${local}@${domain}`;
}

/** Parses a region code such as "US" or "gb"; throws InvalidIdentifierError if unknown. */
export function toRegion(region: string): CountryCode {
  const upper = region.trim().toUpperCase();
  if (!isSupportedCountry(upper))
    throw new InvalidIdentifierError('phone', `unknown default region ${upper}`);
  return upper;
}

/**
 * E.164 form of a phone number; numbers without a country code are read in `defaultRegion`.
 * Accepts every possible number (not only currently allocated ranges): refusing a STOP from a
 * number our metadata does not know yet would be the worse mistake. Extensions are dropped.
 */
export function normalizePhone(raw: string, defaultRegion: CountryCode | string = 'US'): string {
  if (typeof raw !== 'string') throw new InvalidIdentifierError('phone', 'not a string');
  const s = raw.trim();
  if (s === '') throw new InvalidIdentifierError('phone', 'empty');
  if (s.length > 64) throw new InvalidIdentifierError('phone', 'longer than 64 characters');
  if (/[A-Za-z]/.test(s.replace(/\s*(?:ext\.?|x|#)\s*\d+\s*$/i, ''))) {
    throw new InvalidIdentifierError('phone', 'letters in number');
  }
  const parsed = parsePhoneNumberFromString(s, toRegion(defaultRegion));
  if (parsed === undefined) throw new InvalidIdentifierError('phone', 'not a phone number');
  if (!parsed.isPossible())
    throw new InvalidIdentifierError('phone', 'not a possible number for its country');
  return parsed.number;
}

/**
 * Every valid phone number written in a text, in E.164 (numbers without a country code read in
 * `defaultRegion`), at most `max`: what a sealed mail is also sealed to (issue 15). Only numbers
 * valid for their country, so dates and ids in headers do not become subjects.
 */
export function phonesIn(text: string, defaultRegion: CountryCode | string = 'US', max = 50): string[] {
  const found = new Set<string>();
  for (const m of findPhoneNumbersInText(text, toRegion(defaultRegion))) {
    found.add(m.number.number);
    if (found.size >= max) break;
  }
  return [...found];
}

/** Customer or device id: trimmed, 1..200 printable characters, otherwise kept as is (case matters). */
export function normalizeOpaqueId(raw: string, type: SubjectType = 'customer'): string {
  if (typeof raw !== 'string') throw new InvalidIdentifierError(type, 'not a string');
  const s = raw.trim();
  if (s === '') throw new InvalidIdentifierError(type, 'empty');
  if ([...s].length > 200) throw new InvalidIdentifierError(type, 'longer than 200 characters');
  if (/[\p{Cc}\p{Cs}\p{Cn}]/u.test(s))
    throw new InvalidIdentifierError(type, 'control or unassigned character');
  return s;
}

export function toSubject(type: SubjectType, raw: string, opts: { defaultRegion?: string } = {}): Subject {
  switch (type) {
    case 'email':
      return { type, value: normalizeEmail(raw) };
    case 'phone':
      return { type, value: normalizePhone(raw, opts.defaultRegion ?? 'US') };
    case 'customer':
    case 'device':
      return { type, value: normalizeOpaqueId(raw, type) };
    default:
      throw new InvalidIdentifierError(type, 'unknown subject type');
  }
}
