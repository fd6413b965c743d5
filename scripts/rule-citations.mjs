#!/usr/bin/env node
// Every requirement id of ../shared/REQUIREMENTS.md (R-EM-1, R-SMS-9, ...) must be cited by at least
// one test: a file under packages/*/test or services/*/test (or a test-support folder) naming it. Lists each
// id with the files citing it and exits 1 when one is cited nowhere, so a new rule cannot be
// forgotten (`--verbose` lists where each is cited; `--root`, `--requirements` check another tree). A rule that is not built yet is PENDING below with the reason; citing it makes the
// check fail until it is taken off the list. Part of `pnpm lint`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Rules no code proves yet, each with why (reported to the lead; remove when a test proves it). */
export const PENDING = {};

const ID = /\bR-[A-Z]+-\d+\b/g;

/** The ids a requirements text defines, in order of first appearance. */
export function requirementIds(text) {
  return [...new Set(text.match(ID) ?? [])];
}

function* testFiles(dir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    // This check's own test names ids to test the check, which proves none of them.
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'rule-citations.test.ts') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* testFiles(p);
    else if (/\.(ts|mjs|js)$/.test(e.name)) yield p;
  }
}

/** Where each id is cited: the test code of every package and service. */
export function citations(root) {
  const found = new Map();
  const dirs = [];
  for (const top of ['packages', 'services']) {
    const base = join(root, top);
    if (!existsSync(base)) continue;
    for (const d of readdirSync(base)) dirs.push(join(base, d, 'test'), join(base, d, 'test-support'));
  }
  for (const d of dirs) {
    for (const f of testFiles(d)) {
      for (const id of new Set(readFileSync(f, 'utf8').match(ID) ?? [])) {
        const list = found.get(id) ?? [];
        list.push(relative(root, f));
        found.set(id, list);
      }
    }
  }
  return found;
}

/** uncited: ids cited nowhere and not pending; citedPending: pending ids a test now cites. */
export function checkCitations(root, requirementsPath, pending = PENDING) {
  const ids = requirementIds(readFileSync(requirementsPath, 'utf8'));
  const found = citations(root);
  return {
    ids,
    found,
    uncited: ids.filter((id) => !found.has(id) && !(id in pending)),
    citedPending: ids.filter((id) => found.has(id) && id in pending),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const root = opt('--root') ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  const requirements = opt('--requirements') ?? join(root, '..', 'shared', 'REQUIREMENTS.md');
  const r = checkCitations(root, requirements);
  const verbose = args.includes('--verbose');
  if (verbose) {
    for (const id of r.ids) console.log(`${id.padEnd(9)} ${(r.found.get(id) ?? ['-']).join(', ')}`);
  }
  for (const id of r.ids.filter((id) => id in PENDING && !r.found.has(id))) {
    console.log(`rule citations: ${id} pending (not built yet): ${PENDING[id]}`);
  }
  for (const id of r.uncited) console.error(`rule citations: ${id} is cited by no test`);
  for (const id of r.citedPending) {
    console.error(`rule citations: ${id} is cited now: take it off PENDING in scripts/rule-citations.mjs`);
  }
  if (r.uncited.length > 0 || r.citedPending.length > 0) process.exit(1);
  console.log(`rule citations: ${r.ids.length} requirement ids, each cited by a test`);
}
