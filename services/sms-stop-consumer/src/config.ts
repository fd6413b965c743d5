import { parseEnv } from '@sp/config';
import { BaseEnv } from '@sp/runtime';
import { z } from 'zod';

export const Config = BaseEnv.extend({
  GROUP_ID: z.string().default('sms-stop-consumer'),
  /** Templates of the sms-sender's registry for the replies this service requests. */
  SMS_CONFIRMATION_TEMPLATE: z.string().default('sms-optout-confirmation'),
  SMS_HELP_TEMPLATE: z.string().default('sms-help'),
});
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
