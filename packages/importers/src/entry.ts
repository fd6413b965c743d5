// What every importer yields: one list entry per record (or several, for a Mailgun unsubscribe with
// several tags), in our scope terms (DESIGN.md "The list"), or the reason a record was refused.

export type SubjectType = 'email' | 'phone' | 'customer' | 'device';

/**
 * The state reason an imported suppression keeps, so that `stats` tells a legacy unsubscribe from a
 * bounce or a complaint. Absent: an operator's own list (reason `admin`).
 */
export type ReasonCode = 'email-optout' | 'complaint' | 'hard-bounce' | 'sms-stop';

export interface ImportEntry {
  subjectType: SubjectType;
  /** The identifier as the file has it; normalization belongs to @sp/identity. */
  value: string;
  channel: 'email' | 'sms' | 'any';
  purpose: 'marketing' | 'all' | 'sale_share';
  topic: string;
  reasonCode?: ReasonCode;
  /** Human text kept as the entry's detail: the provider's list and its own reason. */
  reason: string;
  /** When the provider recorded it (ISO-8601); absent when the file does not say. */
  occurredAt?: string;
  /** `sendgrid`, `mailchimp`, ... (absent for our own CSV/NDJSON). */
  provider?: string;
}

/** One record of a file: its entries, or why it was refused; `line` is where the record starts. */
export type ImportItem =
  | { line: number; kind: 'entry'; entry: ImportEntry }
  | { line: number; kind: 'reject'; reason: string }
  | { line: number; kind: 'skip' };

/** The whole file is not in the chosen format: one message, not a rejection per line. */
export class FormatMismatch extends Error {
  override name = 'FormatMismatch';
}

/** A record as a flat map of column (or JSON field) name to value. */
export type RawRecord = Record<string, unknown>;

export const str = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v.trim() : String(v).trim();
  return s === '' ? undefined : s;
};

/**
 * Provider timestamps: unix seconds (SendGrid), RFC 2822 (Mailgun), ISO-8601 with or without a zone
 * (Postmark, SES, Mailchimp's "2016-10-10 19:45:12", which is UTC). Undefined when empty; null when
 * present but unreadable.
 */
export function timestamp(v: unknown): string | undefined | null {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' || (typeof v === 'string' && /^\d{9,13}(\.\d+)?$/.test(v.trim()))) {
    const n = Number(v);
    const ms = n > 1e11 ? n : n * 1000;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof v !== 'string') return null;
  let s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s = `${s.replace(' ', 'T')}Z`;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
