// Issue 14: the OpenAPI document is lint-clean under `@redocly/cli lint` with the recommended rules
// (servers, licence, a 4xx answer on every operation ...): no error and no warning.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { buildOpenApi } from '../src/openapi';

const redocly = fileURLToPath(new URL('../../../node_modules/.bin/redocly', import.meta.url));

it('passes redocly lint --extends recommended without a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-openapi-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(buildOpenApi(), null, 2));
    const run = await promisify(execFile)(
      redocly,
      ['lint', file, '--extends', 'recommended', '--format', 'json'],
      {
        cwd: dir,
        encoding: 'utf8',
        // No telemetry and no update check: the linter runs offline, as in CI.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((err: { stdout?: string; stderr?: string }) => ({
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }));
    const report = JSON.parse(run.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    const problems = report.problems.map((p) => `${p.ruleId}: ${p.message}`);
    expect(problems, run.stderr).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
