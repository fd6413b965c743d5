// The vitest run Stryker drives: only the test files of the module under mutation (set by
// mutation/stryker.mjs), with the same global setup (shared Kafka and PostgreSQL) as `pnpm test`.
import { fileURLToPath } from 'node:url';
import { sharedConfig } from '../packages/testing/src/vitest-shared.js';

const tests = (process.env.SP_MUTATION_TESTS ?? '').split(',').filter(Boolean);
if (tests.length === 0) throw new Error('SP_MUTATION_TESTS is empty: run through `pnpm mutation`');
const config = sharedConfig(tests);
const pure = process.env.SP_MUTATION_PURE === '1';
export default {
  ...config,
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { ...config.test, ...(pure ? { globalSetup: [] } : {}) },
};
