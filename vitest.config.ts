// `pnpm test` at the root: every package's and service's tests in one run, sharing one broker
// and one PostgreSQL server (started once by the global setup).
import { sharedConfig } from './packages/testing/src/vitest-shared.js';

export default sharedConfig([
  'packages/*/test/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'infra/test/**/*.test.ts',
]);
