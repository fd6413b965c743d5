// The migration folder is one chain that drizzle-kit can extend: `drizzle-kit check` finds no two
// snapshots hanging off one parent, and `drizzle-kit generate` against a copy of the folder finds
// nothing to migrate, so src/schema.ts and the migrations agree. Session 3 left three branches'
// snapshots on one parent and `pnpm --filter @sp/db generate` refused to run; this keeps it from
// happening again unnoticed.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const drizzleKit = join(pkg, 'node_modules', '.bin', 'drizzle-kit');

describe('the migration folder', () => {
  let dir: string;
  let config: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sp-migrations-'));
    await cp(join(pkg, 'drizzle'), join(dir, 'drizzle'), { recursive: true });
    config = join(dir, 'drizzle.config.ts');
    const settings = { dialect: 'postgresql', schema: join(pkg, 'src', 'schema.ts'), out: './drizzle' };
    await writeFile(config, `export default ${JSON.stringify(settings)};\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is one chain of snapshots (drizzle-kit check)', async () => {
    const { stdout } = await run(drizzleKit, ['check', '--config', config], { cwd: dir });
    expect(stdout).not.toMatch(/collision/i);
    expect(stdout).toMatch(/Everything's fine/);
  });

  it('matches src/schema.ts: generating finds nothing to migrate', async () => {
    const before = await readdir(join(dir, 'drizzle'));
    const { stdout } = await run(drizzleKit, ['generate', '--config', config], { cwd: dir });
    expect(stdout).toMatch(/No schema changes/);
    expect(await readdir(join(dir, 'drizzle'))).toEqual(before);
  });
});
