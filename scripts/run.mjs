#!/usr/bin/env node
// Entry for the README's two commands (`npm start`, `npm test`, or the same with pnpm) on a
// fresh clone: makes sure pnpm and the workspace's dependencies are there, then runs the task.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.split('@')[1];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion) return ['pnpm', []];
  // No (or another) pnpm: use the pinned one through npm, without touching the global install.
  return ['npm', ['exec', '--yes', `pnpm@${pnpmVersion}`, '--']];
}

function depsStale() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'pnpm-lock.yaml')).mtimeMs > statSync(marker).mtimeMs;
}

const [task, ...rest] = process.argv.slice(2);
const [pnpm, pre] = pnpmCommand();
if (depsStale()) {
  const code = run(pnpm, [...pre, 'install', '--frozen-lockfile']);
  if (code !== 0) process.exit(code);
}
const bin = (name) => join(root, 'node_modules', '.bin', name);
switch (task) {
  case 'start':
    process.exit(run(bin('tsx'), ['services/standalone/src/main.ts', ...rest]));
    break;
  case 'test':
    process.exit(run(bin('vitest'), ['run', ...rest]));
    break;
  default:
    console.error(`usage: node scripts/run.mjs start|test`);
    process.exit(2);
}
