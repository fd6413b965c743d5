import { parseEnv } from '@sp/config';
import { BaseEnv } from '@sp/runtime';
import { z } from 'zod';

export const Config = BaseEnv.extend({
  GROUP_ID: z.string().default('webhooks'),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9470),
  /** Delay after a first failed attempt, doubled after each next one up to WEBHOOK_BACKOFF_MAX_MS. */
  WEBHOOK_BACKOFF_INITIAL_MS: z.coerce.number().int().min(1).default(5_000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  /** Attempts before a delivery is dead (12 at the defaults: about 4.5 hours of trying). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(12),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** `ses` mirrors email/all and email/marketing (topic *) into SES's account suppression list. */
  PROVIDER_SYNC: z.enum(['none', 'ses']).default('none'),
  /** Which purposes the SES sync mirrors (marketing too stops transactional mail sent through SES). */
  PROVIDER_SYNC_SES_PURPOSES: z
    .string()
    .default('all,marketing')
    .transform((s) => s.split(',').map((p) => p.trim()))
    .pipe(z.array(z.enum(['all', 'marketing'])).min(1)),
  PROVIDER_SYNC_GROUP_ID: z.string().default('provider-sync'),
  AWS_REGION: z.string().default('us-east-1'),
  /** SES v2 endpoint override (the SES double in tests and standalone); unset for AWS. */
  SES_ENDPOINT: z.url().optional(),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
});
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
