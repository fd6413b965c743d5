// The one vitest configuration every package and service uses, so that each suite gets the
// same real Kafka and PostgreSQL from the global setup, whether run from the root or alone.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const globalSetup = fileURLToPath(new URL('./global-setup.ts', import.meta.url));

export function sharedConfig(include: string[] = ['test/**/*.test.ts', 'src/**/*.test.ts']) {
  return defineConfig({
    test: {
      include,
      exclude: ['**/node_modules/**', '**/dist/**'],
      globalSetup: [globalSetup],
      testTimeout: 120_000,
      hookTimeout: 180_000,
      pool: 'forks',
      maxWorkers: 2,
    },
  });
}
