import { parseEnv } from '@sp/config';
import { BaseEnv } from '@sp/runtime';
import { z } from 'zod';

export const Config = BaseEnv.extend({ GROUP_ID: z.string().default('optout-consumer') });
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
