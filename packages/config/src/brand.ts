// The brand behind the public pages and the marketing mail, set in one place (issue 13): a JSON
// file (BRAND_FILE) and/or single variables, which win over the file. Every field is optional:
// without a name the pages say "we" and show no header, so they read neutrally for anyone.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './index';

const text = z.string().trim().min(1);

export const Brand = z.strictObject({
  /** Shown as the page header and the footer of marketing mail, never inside a sentence. */
  name: text.max(120).optional(),
  /** https (or data:image) URL of a logo; the pages' CSP allows its origin only. */
  logoUrl: z
    .string()
    .trim()
    .refine(
      (v) =>
        /^https:\/\/[^\s"'<>]+$/i.test(v) ||
        /^data:image\/(png|svg\+xml|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(v),
      {
        message: 'an https URL or a base64 data:image URL',
      },
    )
    .optional(),
  /** The header band and the buttons; a hex colour (#rgb or #rrggbb). */
  primaryColor: z
    .string()
    .trim()
    .regex(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i, 'a hex colour such as #0b5394')
    .optional(),
  supportEmail: z.email().optional(),
  /** As people dial it, e.g. "(800) 551-9954"; shown wherever "ask by phone" is offered. */
  supportPhone: text.max(40).optional(),
  privacyPolicyUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** CAN-SPAM 316.5(a)(5) / R-EM-7: the postal address every marketing mail carries. */
  postalAddress: text.max(300).optional(),
  /**
   * R-DNS-8: the Do-Not-Sell form promises both (stop selling/sharing AND stop marketing email)
   * unless the brand's policy lets a person keep its newsletters; then the form offers the choice.
   */
  doNotSellKeepsNewslettersChoice: z.boolean().optional(),
});
export type Brand = z.infer<typeof Brand>;

/** The variables a process reads its brand from (all optional). */
export const BRAND_VARIABLES = [
  'BRAND_FILE',
  'BRAND_NAME',
  'BRAND_LOGO_URL',
  'BRAND_PRIMARY_COLOR',
  'SUPPORT_EMAIL',
  'SUPPORT_PHONE',
  'PRIVACY_POLICY_URL',
  'POSTAL_ADDRESS',
] as const;

/** BRAND_FILE's JSON, then the single variables over it; a bad file or value is one ConfigError. */
export function loadBrand(env: Record<string, string | undefined>): Brand {
  let fromFile: unknown = {};
  const file = env.BRAND_FILE?.trim();
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`BRAND_FILE ${file}: ${(err as Error).message}`);
    }
  }
  const set = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  const overrides = Object.fromEntries(
    Object.entries({
      name: set(env.BRAND_NAME),
      logoUrl: set(env.BRAND_LOGO_URL),
      primaryColor: set(env.BRAND_PRIMARY_COLOR),
      supportEmail: set(env.SUPPORT_EMAIL),
      supportPhone: set(env.SUPPORT_PHONE),
      privacyPolicyUrl: set(env.PRIVACY_POLICY_URL),
      postalAddress: set(env.POSTAL_ADDRESS),
    }).filter(([, v]) => v !== undefined),
  );
  const base = fromFile && typeof fromFile === 'object' ? fromFile : {};
  const r = Brand.safeParse({ ...base, ...overrides });
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(brand)'}: ${i.message}`);
    throw new ConfigError(`Invalid brand${file ? ` (BRAND_FILE ${file})` : ''}:\n${lines.join('\n')}`);
  }
  return r.data;
}
