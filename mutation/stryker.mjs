// The Stryker configuration every module's file uses (StrykerJS 9.6 with its vitest runner; 10.x
// needs Node 22). In place, because the sandbox copy would lose pnpm's per-package node_modules:
// do not edit the mutated file while a run is going; Stryker puts it back when it ends.
import { MODULES } from './modules.mjs';

/** @param {keyof typeof MODULES} name */
export function strykerConfig(name) {
  const m = MODULES[name];
  // Read by mutation/vitest.config.mjs in the runner processes Stryker starts (they inherit env).
  process.env.SP_MUTATION_TESTS = m.tests.join(',');
  return {
    $schema: '../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    packageManager: 'pnpm',
    plugins: ['@stryker-mutator/vitest-runner'],
    testRunner: 'vitest',
    vitest: { configFile: 'mutation/vitest.config.mjs', related: false },
    inPlace: true,
    mutate: m.mutate,
    coverageAnalysis: 'perTest',
    concurrency: Number(process.env.SP_MUTATION_CONCURRENCY ?? 1),
    timeoutMS: 20_000,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false },
    thresholds: { high: 90, low: 80, break: m.break || null },
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  };
}
