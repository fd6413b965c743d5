import { readFileSync } from 'node:fs';
import { parseEnv } from '@sp/config';
import { BaseEnv } from '@sp/runtime';
import { z } from 'zod';
import { compileKeywords, DEFAULT_LANGUAGES, type LanguageTable, mergeLanguages } from './classify';

const Keywords = z.array(z.string().trim().min(1).max(40)).max(200);

/** SMS_KEYWORDS_FILE: {"fr": {"optOut": ["..."], "optIn": [...], "help": [...], "anchors": [...]}, "de": {...}} */
const KeywordsFile = z.record(
  z.string().regex(/^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$/, 'a language code such as "fr" or "es-mx"'),
  z.strictObject({
    optOut: Keywords.optional(),
    optIn: Keywords.optional(),
    help: Keywords.optional(),
    anchors: Keywords.optional(),
  }),
);

function readKeywordsFile(path: string, ctx: z.RefinementCtx): LanguageTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${path}: ${(err as Error).message}` });
    return z.NEVER;
  }
  const r = KeywordsFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `${path}: ${i?.path.join('.') || '(file)'}: ${i?.message}` });
    return z.NEVER;
  }
  const table = mergeLanguages(DEFAULT_LANGUAGES, r.data);
  try {
    compileKeywords(table);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${path}: ${(err as Error).message}` });
    return z.NEVER;
  }
  return table;
}

/**
 * SMS_KEYWORDS_FILE: path of a JSON file of keywords per language, added to the defaults (en, fr,
 * es; DEFAULT_LANGUAGES in classify.ts); unset, the defaults alone. Read once at start, as the
 * language table.
 */
export const SmsKeywordsFile = z
  .string()
  .optional()
  .transform((path, ctx) => (path ? readKeywordsFile(path, ctx) : DEFAULT_LANGUAGES));

export const Config = BaseEnv.extend({
  GROUP_ID: z.string().default('sms-stop-consumer'),
  /** Templates of the sms-sender's registry for the replies this service requests. */
  SMS_CONFIRMATION_TEMPLATE: z.string().default('sms-optout-confirmation'),
  SMS_HELP_TEMPLATE: z.string().default('sms-help'),
  SMS_KEYWORDS_FILE: SmsKeywordsFile,
});
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
