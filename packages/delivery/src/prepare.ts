// Turns a send-request envelope into a Prepared message before anything is claimed: the contract
// is checked, the template looked up (its category decides marketing vs transactional, R-EM-5),
// every placeholder has a value, and the recipient normalizes. Any failure is a ValidationError
// naming the reason, so the request goes to the DLQ instead of blocking its partition.
import { ValidationError } from '@sp/contracts';
import { normalizeEmail, normalizePhone } from '@sp/identity';
import type { Keyer } from '@sp/suppression';
import type { z } from 'zod';
import type { Prepared, SendRequestBase } from './pipeline';
import { placeholders, type TemplateRegistry } from './templates';

export type ParseResult<R> = { ok: true; value: { id: string; data: R } } | { ok: false; error: unknown };

/** A preparer's `parse` from an envelope's zod schema (safeParse at the edge, STYLE.md 3). */
export function parseWith<R>(schema: z.ZodType<{ id: string; data: R }>): (input: unknown) => ParseResult<R> {
  return (input) => {
    const r = schema.safeParse(input);
    return r.success ? { ok: true, value: r.data } : { ok: false, error: r.error };
  };
}

function describe(error: unknown): string {
  const issues = (error as { issues?: { path?: PropertyKey[]; message?: string }[] })?.issues;
  const first = Array.isArray(issues) ? issues[0] : undefined;
  if (first) return `${(first.path ?? []).map(String).join('.') || '(event)'}: ${first.message ?? 'invalid'}`;
  return error instanceof Error ? error.message : String(error);
}

export interface PreparerOptions<R extends SendRequestBase> {
  channel: 'email' | 'sms';
  parse: (input: unknown) => ParseResult<R>;
  templates: TemplateRegistry;
  keyer: Keyer;
  /** Region for phone numbers written without a country code. */
  defaultRegion: string;
  /** Variables the sender fills itself (e.g. unsubscribeUrl), not expected from the caller. */
  senderVariables?: string[];
}

/** Normalizes a recipient; a value that is not an address or number is a ValidationError. */
export function normalizeRecipient(type: 'email' | 'phone', raw: string, region: string): string {
  let value: string | null | undefined;
  try {
    value = type === 'email' ? normalizeEmail(raw) : normalizePhone(raw, region);
  } catch (err) {
    throw new ValidationError(`recipient is not a valid ${type}: ${describe(err)}`);
  }
  if (!value) throw new ValidationError(`recipient is not a valid ${type}`);
  return value;
}

export function createPreparer<R extends SendRequestBase>(
  opts: PreparerOptions<R>,
): (envelope: unknown) => Prepared<R> {
  const own = new Set(opts.senderVariables ?? []);
  const type = opts.channel === 'email' ? 'email' : 'phone';
  return (envelope) => {
    const r = opts.parse(envelope);
    if (!r.ok) throw new ValidationError(`invalid ${opts.channel} send request: ${describe(r.error)}`);
    const request = r.value.data;
    const template = opts.templates.require(request.templateId, opts.channel, request.locale);
    const missing = placeholders(template).filter(
      (name) =>
        !own.has(name) &&
        !Object.hasOwn(request.variables, name) &&
        !Object.hasOwn(template.defaults ?? {}, name),
    );
    if (missing.length > 0) {
      throw new ValidationError(`template ${template.id}: variable ${missing.join(', ')} missing`);
    }
    const value = normalizeRecipient(type, request.to, opts.defaultRegion);
    const subject = { type, value } as const;
    const topic = request.topic ?? template.topic;
    const keysOf = (keys: string[]) => ({ subjectKey: keys[0]!, subjectKeys: keys });
    return {
      raw: envelope,
      envelopeId: r.value.id,
      request,
      template,
      subject,
      ...keysOf(opts.keyer.keysOf(subject)),
      ...(topic ? { topic } : {}),
    };
  };
}
