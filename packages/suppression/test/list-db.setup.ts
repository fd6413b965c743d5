// A vitest global setup for mutation runs (mutation/modules.mjs `setup`): ONE database of the list,
// created and migrated once per Stryker runner (vitest runs a global setup once per instance, and
// Stryker keeps its instance for every mutant), then emptied by each test file (openListDb). A
// mutant's run then costs its tests, not a database and its migrations (PGlite: seconds each).
import { createDb, migrateDb } from '@sp/db';
import { createFreshDatabase } from '@sp/testing';
import type { TestProject } from 'vitest/node';
import type {} from './helpers'; // ProvidedContext.listDatabaseUrl

export default async function setup(project: TestProject) {
  const fresh = await createFreshDatabase(project.getProvidedContext().postgresServerUrl, 'sp_mut_list');
  const h = await createDb({ url: fresh.url, max: 1 });
  try {
    await migrateDb(h);
  } finally {
    await h.close();
  }
  project.provide('listDatabaseUrl', fresh.url);
  return async () => {
    await fresh.drop().catch(() => {});
  };
}
