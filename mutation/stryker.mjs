// The Stryker configuration every module's file uses (StrykerJS 9.6 with its vitest runner; 10.x
// needs Node 22). In place, because the sandbox copy would lose pnpm's per-package node_modules:
// do not edit the mutated file while a run is going; Stryker puts it back when it ends.
import { MODULES } from './modules.mjs';

/** @param {keyof typeof MODULES} name */
export function strykerConfig(name) {
  const m = MODULES[name];
  // Read by mutation/vitest.config.mjs in the runner processes Stryker starts (they inherit env).
  process.env.SP_MUTATION_TESTS = m.tests.join(',');
  process.env.SP_MUTATION_SETUP = (m.setup ?? []).join(',');
  // A pure module's tests need no Kafka or PostgreSQL: the runs skip the global setup that starts them.
  process.env.SP_MUTATION_PURE = m.pure ? '1' : '';
  return {
    $schema: '../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    packageManager: 'pnpm',
    plugins: ['@stryker-mutator/vitest-runner'],
    testRunner: 'vitest',
    vitest: { configFile: 'mutation/vitest.config.mjs', related: false },
    inPlace: true,
    // In place, Stryker would otherwise write `// @ts-nocheck` into every file of the tree for the run.
    disableTypeChecks: false,
    mutate: m.mutate,
    coverageAnalysis: 'perTest',
    concurrency: Number(process.env.SP_MUTATION_CONCURRENCY ?? 1),
    timeoutMS: 20_000,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false },
    thresholds: { high: 90, low: 80, break: m.break || null },
    // A re-run tests only the mutants whose code or tests changed since the last run on this machine.
    incremental: true,
    incrementalFile: `reports/mutation/${name}.incremental.json`,
    tempDirName: `.stryker-tmp/${name}`,
    cleanTempDir: 'always',
  };
}
