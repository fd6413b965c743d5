// The one vitest configuration every package and service uses, so that each suite gets the
// same real Kafka and PostgreSQL from the global setup, whether run from the root or alone.
// Plain JavaScript on purpose: vite loads config files' package imports with Node itself.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const globalSetup = fileURLToPath(new URL('./global-setup.ts', import.meta.url));
const summaryReporter = fileURLToPath(new URL('./summary-reporter.ts', import.meta.url));

/** @param {string[]} [include] */
export function sharedConfig(include = ['test/**/*.test.ts', 'src/**/*.test.ts']) {
  return defineConfig({
    test: {
      include,
      exclude: ['**/node_modules/**', '**/dist/**'],
      globalSetup: [globalSetup],
      reporters: ['default', summaryReporter],
      testTimeout: 120_000,
      hookTimeout: 180_000,
      pool: 'forks',
      maxWorkers: 2,
      // The AWS SDK's notice that it will need Node 22 (Node 20 only), from the SES clients tests
      // build themselves; services turn it off with quietAwsSdkNodeNotice (README, Node versions).
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  });
}
