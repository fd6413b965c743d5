// The shape of one corpus fixture and what it must become. Each fixture is our own mail (our
// addresses, ids and dates) written to reproduce the shape of one real public sample, named in
// `models`; the samples themselves are never copied into the project (see README.md here).

/** What a fixture's builder may use: fresh addresses and our own sealed evidence. */
export interface FixtureContext {
  /** A fresh address for this run, `<tag>.<run>@<domain>` (default domain example.net). */
  addr(tag: string, domain?: string): string;
  /** Our recipient token, as the email sender seals it (X-SP-Recipient-Token, /u/ links, mailto). */
  token(claims: { email: string; topic?: string; campaignId?: string }): string;
  /** Our RFC 9477 CFBL-Feedback-ID for a recipient, as the email sender sets it (cfblFeedbackId). */
  cfblId(claims: { email: string; topic?: string; campaignId?: string }): string;
  /** The abuse mailbox the inbox serves. */
  abuse: string;
  /** The List-Unsubscribe mailto domain (unsubscribe+<token>@<domain>). */
  unsubDomain: string;
}

/**
 * Where a published event leaves the subject on the list:
 * - `marketing`: marketing email blocked for every topic, transactional still allowed;
 * - `all`: every email blocked (hard bounce);
 * - `{ topic }`: marketing email of that topic blocked, other marketing still allowed;
 * - `none`: recorded, nothing blocked (transient bounce).
 */
export type Scope = 'marketing' | 'all' | { topic: string } | 'none';

interface ExpectedEvent {
  topic: 'complaint' | 'bounce' | 'optout';
  email: string;
  /** Fields the event's data must have (matched, not the whole object). */
  data?: Record<string, unknown>;
  /** evidence.attributedBy (or evidence.via for SES mails). */
  by?: string;
  scope: Scope;
}

type Expected =
  | { published: ExpectedEvent[]; quarantined?: never; unaffected?: string[] }
  | { quarantined: string; published?: never; unaffected?: string[] };

export interface Built {
  raw: string;
  /** Envelope recipients; the abuse mailbox when absent. */
  rcptTo?: string[];
  expect: Expected;
}

export interface Fixture {
  name: string;
  /** The real public sample (or RFC / vendor doc example) whose shape this reproduces. */
  models: string;
  build(ctx: FixtureContext): Built;
}

/** Line ends as on the wire: CRLF (the corpus keeps many samples with LF; SMTP carries CRLF). */
export function crlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

/** LF as the sample stores it (an MTA that hands mail on with bare LF). */
export function lf(s: string): string {
  return s.replace(/\r\n/g, '\n');
}

/** Strips the first line break of a template literal so fixtures start at column 0. */
export function mail(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += String(v) + (strings[i + 1] ?? '');
  });
  return out.replace(/^\n/, '');
}
