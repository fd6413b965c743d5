// The rule-citation check (scripts/rule-citations.mjs, part of `pnpm lint`): every requirement id of
// ../shared/REQUIREMENTS.md is cited by a test, and the check fails when one is cited nowhere.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript script without declarations
import { checkCitations, PENDING, requirementIds } from '../../../scripts/rule-citations.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const script = join(root, 'scripts', 'rule-citations.mjs');
const requirements = join(root, '..', 'shared', 'REQUIREMENTS.md');
const run = (args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A copy of every package's and service's test folder, with `id` removed from each file. */
function copyWithout(id: string): string {
  const tmp = mkdtempSync(join(tmpdir(), 'rule-citations-'));
  temps.push(tmp);
  for (const top of ['packages', 'services']) {
    for (const d of readdirSync(join(root, top))) {
      for (const sub of ['test', 'test-support']) {
        try {
          cpSync(join(root, top, d, sub), join(tmp, top, d, sub), { recursive: true });
        } catch {
          // this package has no such folder
        }
      }
    }
  }
  const strip = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) strip(p);
      else writeFileSync(p, readFileSync(p, 'utf8').replace(new RegExp(`\\b${id}\\b`, 'g'), 'R-XX-0'));
    }
  };
  strip(tmp);
  return tmp;
}

describe('rule citations', () => {
  it('every requirement id is cited by a test (or pending with a reason), on this tree', () => {
    const ids: string[] = requirementIds(readFileSync(requirements, 'utf8'));
    expect(ids.length).toBeGreaterThan(30);
    expect(ids).toEqual(expect.arrayContaining(['R-EM-1', 'R-SMS-9', 'R-PR-3', 'R-TW-2']));
    const r = checkCitations(root, requirements);
    expect(r.uncited).toEqual([]);
    expect(r.citedPending).toEqual([]);
    const r2 = run([]);
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stdout).toContain(`${ids.length} requirement ids, each cited by a test`);
  });

  it('fails, naming the id, when an id is removed from every test', () => {
    const tmp = copyWithout('R-SMS-5');
    const r = checkCitations(tmp, requirements);
    expect(r.uncited).toEqual(['R-SMS-5']);
    const cli = run(['--root', tmp, '--requirements', requirements]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('R-SMS-5 is cited by no test');
  });

  it('fails when a new rule appears that no test cites', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'rule-citations-req-'));
    temps.push(tmp);
    const req = join(tmp, 'REQUIREMENTS.md');
    writeFileSync(req, `${readFileSync(requirements, 'utf8')}\n- R-EM-99 A rule added today.\n`);
    const cli = run(['--root', root, '--requirements', req]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('R-EM-99 is cited by no test');
  });

  it('a pending rule has its reason, and citing it fails until it leaves the list', () => {
    for (const reason of Object.values(PENDING)) expect(String(reason).length).toBeGreaterThan(20);
    const tmp = copyWithout('R-NONE-0');
    const id = Object.keys(PENDING)[0];
    if (id === undefined) return;
    writeFileSync(join(tmp, 'packages', 'testing', 'test', 'cites-pending.test.ts'), `// ${id}\n`);
    expect(checkCitations(tmp, requirements).citedPending).toEqual([id]);
  });
});
