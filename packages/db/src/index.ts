export {
  type CreateDbOptions,
  createDb,
  type Database,
  type DbHandle,
  migrateDb,
  migrationsFolder,
  type SqlClient,
  type SqlQuery,
  selectOne,
} from './client';
export { dbPoisonReason, isConnectionError, sqlState } from './errors';
export * as schema from './schema';
