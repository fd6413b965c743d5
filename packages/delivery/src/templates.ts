// The template registry: a message's category (marketing, one of the five CAN-SPAM transactional
// types of R-EM-5, or the SMS opt-out confirmation / HELP reply) comes from its template file,
// never from the caller. Rendering fills {{variables}}; a missing one is the caller's error.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@sp/contracts';
import { z } from 'zod';

export const TRANSACTIONAL_CATEGORIES = [
  'transaction',
  'safety',
  'account',
  'employment',
  'delivery',
] as const;
export const SMS_SERVICE_CATEGORIES = ['sms-optout-confirmation', 'sms-help'] as const;

export const TemplateCategory = z.enum(['marketing', ...TRANSACTIONAL_CATEGORIES, ...SMS_SERVICE_CATEGORIES]);
export type TemplateCategory = z.infer<typeof TemplateCategory>;

export const Template = z
  .object({
    id: z.string().min(1),
    channel: z.enum(['email', 'sms']),
    category: TemplateCategory,
    /**
     * Language of this variant ("fr", "es-mx"); a template without one is the default text. A
     * request naming a locale gets the variant of the same id in that language when one exists
     * (R-SMS-9: ARRET is answered in French), else the default.
     */
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$/, 'a lower-case language code such as "fr" or "es-mx"')
      .optional(),
    /** Newsletter / program the marketing message belongs to; a request's topic wins. */
    topic: z.string().min(1).optional(),
    /** Email subject line (required for email). */
    subject: z.string().min(1).optional(),
    /** Plain-text body (the SMS text, or the email's text part). */
    text: z.string().min(1),
    /** Optional HTML part of an email. */
    html: z.string().min(1).optional(),
    /** Values used when a request does not give one (e.g. the brand name in a STOP confirmation). */
    defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    description: z.string().optional(),
  })
  .superRefine((t, ctx) => {
    if (t.channel === 'email' && !t.subject) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'an email template needs a subject' });
    }
    if (t.channel === 'email' && (SMS_SERVICE_CATEGORIES as readonly string[]).includes(t.category)) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: `${t.category} is an SMS category` });
    }
    if (t.channel === 'sms' && t.html) {
      ctx.addIssue({ code: 'custom', path: ['html'], message: 'an SMS template has no html part' });
    }
  });
export type Template = z.infer<typeof Template>;

export type Kind = 'marketing' | 'transactional';

/** The check's kind for a template: only marketing is marketing; R-EM-5 types and SMS service replies are not. */
export function kindOf(t: Pick<Template, 'category'>): Kind {
  return t.category === 'marketing' ? 'marketing' : 'transactional';
}

/** R-SMS-3 / R-SMS-4: only the opt-out confirmation and the HELP reply may pass an SMS STOP entry. */
export function passesSmsStop(t: Pick<Template, 'category'>): boolean {
  return (SMS_SERVICE_CATEGORIES as readonly string[]).includes(t.category);
}

export class TemplateFileError extends Error {
  override name = 'TemplateFileError';
}

export interface TemplateRegistry {
  /** The template `id`, in `locale` when a variant exists (then its base language), else the default. */
  get(id: string, locale?: string): Template | undefined;
  /** The template for a request on `channel`, or a ValidationError naming the reason (-> DLQ). */
  require(id: string, channel: 'email' | 'sms', locale?: string): Template;
  all(): Template[];
}

const variantKey = (id: string, locale?: string) => (locale ? `${id}\u0000${locale}` : id);

export function createTemplateRegistry(templates: Template[]): TemplateRegistry {
  const byKey = new Map<string, Template>();
  for (const t of templates) {
    const key = variantKey(t.id, t.locale);
    if (byKey.has(key)) {
      throw new TemplateFileError(`template id ${t.id}${t.locale ? ` (${t.locale})` : ''} is declared twice`);
    }
    byKey.set(key, t);
  }
  // A language variant is the same message in other words: same channel, category and topic
  // (a "translation" must not turn a confirmation into marketing), and there is always a
  // default to fall back on.
  for (const t of templates) {
    if (!t.locale) continue;
    const base = byKey.get(t.id);
    if (!base) throw new TemplateFileError(`template ${t.id} (${t.locale}) has no default-language template`);
    if (base.channel !== t.channel || base.category !== t.category || base.topic !== t.topic) {
      throw new TemplateFileError(
        `template ${t.id} (${t.locale}) differs from its default in channel, category or topic`,
      );
    }
  }
  const get = (id: string, locale?: string) => {
    const wanted = locale?.toLowerCase();
    return (
      (wanted && (byKey.get(variantKey(id, wanted)) ?? byKey.get(variantKey(id, wanted.split('-')[0])))) ||
      byKey.get(id)
    );
  };
  return {
    get,
    require: (id, channel, locale) => {
      const t = get(id, locale);
      if (!t) throw new ValidationError(`unknown template: ${id}`);
      if (t.channel !== channel) throw new ValidationError(`template ${id} is a ${t.channel} template`);
      return t;
    },
    all: () => [...byKey.values()],
  };
}

/** Reads every *.json of the given folders (one template per file, or an array), parsed with zod. */
export function loadTemplates(dirs: string[]): TemplateRegistry {
  const templates: Template[] = [];
  for (const dir of dirs) {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const path = join(dir, file);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new TemplateFileError(`${path}: not JSON (${(err as Error).message})`);
      }
      for (const item of Array.isArray(raw) ? raw : [raw]) {
        const r = Template.safeParse(item);
        if (!r.success) {
          const issue = r.error.issues[0];
          throw new TemplateFileError(`${path}: ${issue?.path.join('.') || '(template)'}: ${issue?.message}`);
        }
        templates.push(r.data);
      }
    }
  }
  return createTemplateRegistry(templates);
}

export type Variables = Record<string, string | number | boolean | null>;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Fills {{name}} placeholders; HTML values are escaped. A placeholder without a value is a ValidationError. */
export function fill(templateId: string, text: string, vars: Variables, html = false): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    if (!Object.hasOwn(vars, name)) {
      throw new ValidationError(`template ${templateId}: variable ${name} is missing`);
    }
    const v = vars[name];
    const s = v === null || v === undefined ? '' : String(v);
    return html ? escapeHtml(s) : s;
  });
}

export interface Rendered {
  subject?: string;
  text: string;
  html?: string;
}

/** Renders a template with the caller's variables plus the sender's own (e.g. unsubscribeUrl). */
export function render(t: Template, given: Variables): Rendered {
  const vars = { ...t.defaults, ...given };
  return {
    ...(t.subject ? { subject: fill(t.id, t.subject, vars) } : {}),
    text: fill(t.id, t.text, vars),
    ...(t.html ? { html: fill(t.id, t.html, vars, true) } : {}),
  };
}

/** The placeholders a template uses, to check a request before any claim. */
export function placeholders(t: Template): string[] {
  const names = new Set<string>();
  for (const s of [t.subject, t.text, t.html]) {
    if (!s) continue;
    for (const m of s.matchAll(PLACEHOLDER)) names.add(m[1]!);
  }
  return [...names];
}
