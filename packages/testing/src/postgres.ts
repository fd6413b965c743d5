import { inject } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from './infra';
import './context';

/** An empty database of its own for one test file (drop it in afterAll). */
export function freshDatabase(prefix = 'sp_t'): Promise<FreshDatabase> {
  return createFreshDatabase(inject('postgresServerUrl'), prefix);
}
