#!/usr/bin/env node
// `pnpm mutation [module...]`: runs Stryker on each decision module in turn (mutation/*.stryker.mjs,
// one at a time, concurrency 1 unless SP_MUTATION_CONCURRENCY says otherwise), then prints one
// table of scores from the JSON reports. `--pure` runs only the modules that need no database,
// `--ci` those that CI runs (mutation/modules.mjs says which, and packages/testing/README.md why).
// Exits non-zero when a module falls below its break threshold or Stryker fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODULES } from '../mutation/modules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const pureOnly = args.includes('--pure');
const ciOnly = args.includes('--ci');
const named = args.filter((a) => !a.startsWith('--'));
for (const n of named) {
  if (!(n in MODULES)) {
    console.error(`unknown module ${n}; known: ${Object.keys(MODULES).join(', ')}`);
    process.exit(2);
  }
}
const names = (named.length > 0 ? named : Object.keys(MODULES)).filter(
  (n) => (!pureOnly || MODULES[n].pure) && (!ciOnly || MODULES[n].ci),
);

/** Stryker's own definition: detected / valid, where valid excludes compile and runtime errors. */
function scoreOf(report) {
  const c = {
    Killed: 0,
    Timeout: 0,
    Survived: 0,
    NoCoverage: 0,
    CompileError: 0,
    RuntimeError: 0,
    Ignored: 0,
  };
  const survivors = [];
  for (const [file, f] of Object.entries(report.files)) {
    for (const m of f.mutants) {
      c[m.status] = (c[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        survivors.push(
          `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${m.status}`,
        );
      }
    }
  }
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  return { ...c, score: valid === 0 ? 100 : (100 * detected) / valid, survivors };
}

const rows = [];
let failed = false;
for (const name of names) {
  const report = join(root, 'reports', 'mutation', `${name}.json`);
  rmSync(report, { force: true });
  console.log(`\n=== mutation: ${name} (${MODULES[name].mutate.join(', ')})`);
  const r = spawnSync(
    join(root, 'node_modules', '.bin', 'stryker'),
    ['run', `mutation/${name}.stryker.mjs`],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (!existsSync(report)) {
    rows.push({ name, error: `stryker exited ${r.status}` });
    failed = true;
    continue;
  }
  const s = scoreOf(JSON.parse(readFileSync(report, 'utf8')));
  const brk = MODULES[name].break;
  if (r.status !== 0 || (brk && s.score < brk)) failed = true;
  rows.push({ name, ...s, brk });
}

const pad = (v, n) => String(v).padEnd(n);
console.log('\n| module | score | killed | timeout | survived | no coverage | break |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  if (r.error) console.log(`| ${r.name} | ${r.error} | | | | | |`);
  else
    console.log(
      `| ${pad(r.name, 9)} | ${r.score.toFixed(2)}% | ${r.Killed} | ${r.Timeout} | ${r.Survived} | ${r.NoCoverage} | ${r.brk || '-'} |`,
    );
}
for (const r of rows) {
  if (r.survivors?.length) console.log(`\n${r.name} survivors:\n  ${r.survivors.join('\n  ')}`);
}
process.exit(failed ? 1 : 0);
