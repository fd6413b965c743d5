// One-shot migration entry (the Kubernetes migrate Job, infra/k8s/base/jobs.yaml): applies the
// database migrations and exits 0, or exits 1 with one line naming what failed. Concurrent runs
// (the Job and an API started with MIGRATE_ON_START) take turns on the migration advisory lock.
import { createDb, migrateDb } from '@sp/db';
import { createLogger } from '@sp/observability';
import { loadMigrateConfig } from './config';

const config = loadMigrateConfig();
const logger = createLogger({ service: 'migrate', level: config.logLevel });
try {
  const handle = await createDb({ url: config.databaseUrl, connectTimeoutSeconds: 10 });
  try {
    await migrateDb(handle);
    logger.info('migrations applied');
  } finally {
    await handle.close();
  }
} catch (err) {
  logger.error({ error: err instanceof Error ? err.message : String(err) }, 'migration failed');
  process.exitCode = 1;
}
