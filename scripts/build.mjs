#!/usr/bin/env node
// `pnpm build`: every service compiled to JavaScript in its own dist/, for the images and for
// `node dist/main.js`. One esbuild bundle per service (its process entries, shared chunks
// split out): the workspace packages (@sp/*, whose `exports` are TypeScript sources for tsx and
// vitest) are compiled into it, the npm packages stay external and are loaded from node_modules.
//
// Entries: src/main.ts, src/migrate.ts, src/*-main.ts and src/*-cli.ts of each service.
// Checks that would otherwise only fail in an image:
// - every npm package the bundle imports is in the `dependencies` of the workspace package that
//   imports it, and that package is reached from the service through `dependencies` (so
//   `pnpm deploy --prod` installs it);
// - no test helper (@sp/testing, test/, test-support/) ends up in a bundle.
// Beside the bundle: dist/drizzle (the migrations, when @sp/db is in it) and dist/node_modules,
// links to the exact npm packages the bundle was resolved against, so that the compiled service
// runs inside the workspace too (pnpm's isolated node_modules keeps transitive packages out of a
// service's reach). The image does not use those links: `pnpm deploy` installs the packages.
//
// Usage: node scripts/build.mjs [service ...]   (all services without arguments)
//        node scripts/build.mjs --dist DIR service   (one service into DIR, without the links: the
//        image's build step, infra/image/assemble.sh, where `pnpm deploy` installs the packages)
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Every workspace package by name: its directory and manifest. */
const workspace = new Map();
for (const group of ['packages', 'services']) {
  for (const name of readdirSync(join(root, group))) {
    const manifest = join(root, group, name, 'package.json');
    if (existsSync(manifest))
      workspace.set(readJson(manifest).name, { dir: join(root, group, name), pkg: readJson(manifest) });
  }
}

const ENTRY = /^(main|migrate|.+-main|.+-cli)\.ts$/;
const builtins = new Set(builtinModules);
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const runtimeDeps = (pkg) => ({ ...pkg.optionalDependencies, ...pkg.peerDependencies, ...pkg.dependencies });

/** The workspace package owning a file (nearest package.json above it). */
function ownerOf(file) {
  for (let dir = dirname(file); dir.startsWith(root); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return readJson(join(dir, 'package.json'));
  }
  throw new Error(`no package.json above ${file}`);
}

/** Workspace packages reached from `name` through `dependencies` only (what deploy --prod installs). */
function prodClosure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(workspace.get(name)?.pkg.dependencies ?? {})) {
    if (workspace.has(dep)) prodClosure(dep, seen);
  }
  return seen;
}

/** Node's lookup of a package directory from a directory, as the bundle's import would do it. */
function findPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`cannot find ${name} from ${fromDir}`);
  }
}

async function buildService(dir, distDir) {
  const { name } = readJson(join(dir, 'package.json'));
  const src = join(dir, 'src');
  const entryPoints = readdirSync(src)
    .filter((f) => ENTRY.test(f))
    .map((f) => join(src, f));
  if (entryPoints.length === 0) return null;
  const outdir = distDir ?? join(dir, 'dist');
  rmSync(outdir, { recursive: true, force: true });

  const closure = prodClosure(name);
  const externals = new Map(); // package name -> resolved directory
  const problems = [];
  const externalPlugin = {
    name: 'npm-external',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || builtins.has(args.path)) return { external: true };
        const pkgName = packageName(args.path);
        if (workspace.has(pkgName)) {
          if (pkgName === '@sp/testing')
            problems.push(`${relative(root, args.importer)} imports @sp/testing`);
          return undefined; // compiled into the bundle
        }
        const owner = ownerOf(args.importer);
        if (!(pkgName in runtimeDeps(owner))) {
          problems.push(`${owner.name} imports ${pkgName} without it in its dependencies`);
        }
        const resolved = findPackageDir(pkgName, args.resolveDir);
        const known = externals.get(pkgName);
        if (known && known !== resolved) problems.push(`two copies of ${pkgName}: ${known} and ${resolved}`);
        externals.set(pkgName, resolved);
        return { external: true };
      });
    },
  };

  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    sourcemap: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPlugin],
  });

  for (const input of Object.keys(result.metafile.inputs)) {
    const file = join(root, input);
    if (/[/\\](test|test-support)[/\\]/.test(input)) problems.push(`${input} (test code) is in the bundle`);
    const owner = ownerOf(file).name;
    if (owner !== name && workspace.has(owner) && !closure.has(owner)) {
      problems.push(
        `${input} is bundled but ${owner} is not in ${name}'s dependencies (directly or through them)`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`${name}:\n  ${[...new Set(problems)].join('\n  ')}`);

  const inputs = Object.keys(result.metafile.inputs);
  if (inputs.some((i) => i.split(sep).join('/').startsWith('packages/db/src/'))) {
    cpSync(join(workspace.get('@sp/db').dir, 'drizzle'), join(outdir, 'drizzle'), { recursive: true });
  }
  for (const [pkgName, target] of distDir ? [] : externals) {
    const link = join(outdir, 'node_modules', pkgName);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
  return {
    name,
    entries: entryPoints.length,
    externals: externals.size,
    outdir: relative(process.cwd(), outdir),
  };
}

// A service is named by its folder (webhooks) or its package name with or without @sp/ (webhooks-service).
const args = process.argv.slice(2);
const distAt = args.indexOf('--dist');
const distDir = distAt >= 0 ? args.splice(distAt, 2)[1] : undefined;
const wanted = args;
if (distAt >= 0 && (!distDir || wanted.length !== 1)) {
  console.error('usage: node scripts/build.mjs --dist DIR SERVICE');
  process.exit(2);
}
const dirs = [...workspace.values()]
  .filter(({ dir }) => dirname(dir) === join(root, 'services') && existsSync(join(dir, 'src')))
  .filter(
    ({ dir, pkg }) =>
      wanted.length === 0 ||
      [basename(dir), pkg.name, pkg.name.replace(/^@sp\//, '')].some((n) => wanted.includes(n)),
  )
  .map(({ dir }) => dir);
if (wanted.length > 0 && dirs.length !== wanted.length) {
  console.error(`unknown service in: ${wanted.join(' ')}`);
  process.exit(2);
}
let failed = false;
for (const dir of dirs) {
  try {
    const built = await buildService(dir, distDir && resolve(distDir));
    if (built)
      console.log(
        `${built.name}: ${built.entries} entries, ${built.externals} npm packages -> ${built.outdir}`,
      );
  } catch (err) {
    failed = true;
    console.error(`build failed: ${err.message}`);
  }
}
process.exit(failed ? 1 : 0);
