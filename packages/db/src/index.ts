export {
  type CreateDbOptions,
  createDb,
  type Database,
  type DbHandle,
  migrateDb,
  migrationsFolder,
  selectOne,
} from './client';
export { dbPoisonReason, isConnectionError, sqlState } from './errors';
export * as schema from './schema';
