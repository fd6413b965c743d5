// Env parsing shared by every service's config module: a zod schema over the environment,
// with one error that lists every bad or missing variable at once.
import { z } from 'zod';
import { isProduction, productionRefusals } from './production';

export { quietAwsSdkNodeNotice } from './aws';
export { isProduction, PUBLISHED_SECRETS, productionRefusals } from './production';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  if (isProduction(env)) {
    const needed = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    const refused = productionRefusals(env, needed);
    if (refused.length > 0) {
      throw new ConfigError(
        `Refusing to start in production:\n${refused.map((line) => `  ${line}`).join('\n')}`,
      );
    }
  }
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** A comma-separated list ("a,b , c") as a string array, empty entries dropped. */
export const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** "true"/"1"/"yes" and "false"/"0"/"no", as env variables spell booleans. */
export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const port = z.coerce.number().int().min(0).max(65535);

/** "kid1:secret1,kid2:secret2" -> { kid1: secret1, kid2: secret2 }; the first is current. */
export const keyRing = z.string().transform((s, ctx) => {
  const entries = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const i = x.indexOf(':');
      return i > 0 ? ([x.slice(0, i), x.slice(i + 1)] as const) : null;
    });
  if (entries.length === 0 || entries.some((e) => e === null || e[1].length < 16)) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected "keyId:secret[,keyId:secret...]" with secrets of 16+ chars',
    });
    return z.NEVER;
  }
  const keys = Object.fromEntries(entries as (readonly [string, string])[]);
  return { currentKeyId: entries[0]![0], keys };
});

export { BRAND_VARIABLES, Brand, loadBrand } from './brand';
