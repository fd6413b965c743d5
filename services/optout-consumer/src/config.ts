import { parseEnv } from '@sp/config';
import { BaseEnv } from '@sp/runtime';
import { z } from 'zod';

export const Config = BaseEnv.extend({
  GROUP_ID: z.string().default('optout-consumer'),
  /** The email-sender template of the opt-out box's "you have been unsubscribed" email. */
  OPTOUT_CONFIRMATION_TEMPLATE: z.string().min(1).default('email-optout-confirmation'),
});
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
