// The vitest run Stryker drives: only the test files of the module under mutation (set by
// mutation/stryker.mjs), in the order listed, with the same global setup (shared Kafka and
// PostgreSQL) as `pnpm test` plus the module's own (e.g. one migrated database per runner).
import { fileURLToPath } from 'node:url';
import { BaseSequencer } from 'vitest/node';
import { sharedConfig } from '../packages/testing/src/vitest-shared.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const list = (v) => (v ?? '').split(',').filter(Boolean);
const tests = list(process.env.SP_MUTATION_TESTS);
if (tests.length === 0) throw new Error('SP_MUTATION_TESTS is empty: run through `pnpm mutation`');
const setup = list(process.env.SP_MUTATION_SETUP).map((f) => `${root}${f}`);
const config = sharedConfig(tests);
const pure = process.env.SP_MUTATION_PURE === '1';

/** Files in the order of the module's list: the in-memory tests first, so bail stops early. */
class ListedOrder extends BaseSequencer {
  async sort(files) {
    const rank = (f) => {
      const i = tests.findIndex((t) => f.moduleId.endsWith(t));
      return i === -1 ? tests.length : i;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

export default {
  ...config,
  root,
  test: {
    ...config.test,
    globalSetup: [...(pure ? [] : config.test.globalSetup), ...setup],
    sequence: { sequencer: ListedOrder },
  },
};
