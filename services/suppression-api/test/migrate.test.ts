// The one-shot migration entry the Kubernetes migrate Job runs (infra/k8s/base/jobs.yaml), as a real
// process: a fresh database gets the schema and the process exits 0; a second run changes nothing
// and exits 0; an unreachable database exits 1 with one line that says so.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createDb } from '@sp/db';
import { freshDatabase } from '@sp/testing';
import { describe, expect, it } from 'vitest';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const entry = fileURLToPath(new URL('../src/migrate.ts', import.meta.url));

function runMigrate(databaseUrl: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [tsxCli, entry], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('migrate.ts (the migration Job)', () => {
  it('creates the schema on a fresh database, is a no-op the second time, and exits 0 both times', async () => {
    const fresh = await freshDatabase('sp_api_migrate');
    const handle = await createDb({ url: fresh.url, max: 1 });
    try {
      const first = await runMigrate(fresh.url);
      expect(first.code, first.out).toBe(0);
      expect(first.out).toContain('migrations applied');
      const tables = async () =>
        (
          await handle.sql.query<{ t: string }>(
            "select table_name as t from information_schema.tables where table_schema = 'public'",
          )
        )
          .map((r) => r.t)
          .sort();
      const after = await tables();
      expect(after).toEqual(
        expect.arrayContaining(['ledger', 'suppression_state', 'outbox', 'subject_vault']),
      );
      const applied = async () =>
        (
          await handle.sql.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')
        )[0]?.n;
      const count = await applied();
      const second = await runMigrate(fresh.url);
      expect(second.code, second.out).toBe(0);
      expect(await tables()).toEqual(after);
      expect(await applied()).toBe(count);
    } finally {
      await handle.close();
      await fresh.drop();
    }
  });

  it('exits 1 naming the failure when the database cannot be reached', async () => {
    const r = await runMigrate('postgres://nobody@127.0.0.1:1/none');
    expect(r.code).toBe(1);
    expect(r.out).toContain('migration failed');
  });
});
