// vitest global setup: one real Kafka broker and one fresh PostgreSQL database for the run,
// handed to every suite through `inject` (see ./context.ts).
import type { TestProject } from 'vitest/node';
import { createFreshDatabase, type Provided, resolveKafka, resolvePostgresServer } from './infra';

export default async function setup(project: TestProject) {
  const started: Provided[] = [];
  try {
    const [kafka, pg] = await Promise.all([resolveKafka(), resolvePostgresServer()]);
    started.push(kafka, pg);
    const db = await createFreshDatabase(pg.url, 'sp_run');
    project.provide('kafkaBrokers', kafka.url);
    project.provide('postgresServerUrl', pg.url);
    project.provide('databaseUrl', db.url);
    // Child processes that tests start (services, CLIs) read the ordinary variables.
    process.env.SP_TEST_KAFKA_BROKERS = kafka.url;
    process.env.SP_TEST_DATABASE_URL = db.url;
    console.log(`[testing] kafka ${kafka.url} (${kafka.how}); postgres ${db.name} (${pg.how})`);
    return async () => {
      await db.drop().catch(() => {});
      for (const s of started.reverse()) await s.stop();
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    throw err;
  }
}
