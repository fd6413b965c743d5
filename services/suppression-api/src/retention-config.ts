// Configuration of the retention job (src/retention-main.ts): the only place it reads process.env.
import { parseEnv } from '@sp/config';
import { z } from 'zod';

const RetentionEnv = z.object({
  DATABASE_URL: z.string().min(1),
  LOG_LEVEL: z.string().default('info'),
  /** 0 (default): one run, then exit (cron, a Kubernetes CronJob). >0: run every N seconds. */
  RETENTION_EVERY_SECONDS: z.coerce.number().int().min(0).default(0),
});

export interface RetentionConfig {
  databaseUrl: string;
  logLevel: string;
  everySeconds: number;
}

export function loadRetentionConfig(env: Record<string, string | undefined> = process.env): RetentionConfig {
  const e = parseEnv(RetentionEnv, env);
  return { databaseUrl: e.DATABASE_URL, logLevel: e.LOG_LEVEL, everySeconds: e.RETENTION_EVERY_SECONDS };
}
