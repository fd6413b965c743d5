// The images without a Docker engine: infra/Dockerfile read for the properties it must keep
// (Node 24, dependency layer before the source, non-root, a HEALTHCHECK with Node itself, the
// compiled entry), its build step (infra/image/assemble.sh) run for the edge, and the result
// started as the image starts it (`node dist/main.js` in the laid-out directory, no workspace
// around it) and probed with the Dockerfile's own HEALTHCHECK command. Compose and Kubernetes
// run only entries the build produces.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startCompiledEdge } from '@sp/edge/test-compiled';
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions in order (comments dropped, continuation lines joined), by stage. */
function dockerfile(): {
  args: Map<string, string>;
  stages: { from: string; name: string; body: Instruction[] }[];
} {
  const text = readFileSync(`${repo}/infra/Dockerfile`, 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages: { from: string; name: string; body: Instruction[] }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, op, rest] = m as unknown as [string, string, string];
    if (op === 'FROM') {
      const [from, , name] = rest.trim().split(/\s+/);
      stages.push({ from: from ?? '', name: name ?? '', body: [] });
    } else if (stages.length === 0 && op === 'ARG') {
      const [k, v] = rest.trim().split('=');
      args.set(k ?? '', v ?? '');
    } else {
      stages.at(-1)?.body.push({ op, args: rest.trim() });
    }
  }
  return { args, stages };
}

/** An exec-form argument list (`["node", "..."]`), as Docker reads it: JSON. */
const execForm = (args: string): string[] => JSON.parse(args.replace(/^(--\S+\s+)*CMD\s+/, ''));

describe('infra/Dockerfile', () => {
  const { args, stages } = dockerfile();
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages.at(-1);

  it('builds and runs on Node 24', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      const image = s.from.replace(/^\$\{(\w+)\}$/, (_, k: string) => args.get(k) ?? '');
      expect(image, s.from).toMatch(/^node:24(\.\d+){0,2}-/);
    }
  });

  it('caches the dependency layer before copying the source', () => {
    expect(build).toBeDefined();
    const body = build?.body ?? [];
    const fetchAt = body.findIndex((i) => i.op === 'RUN' && /\bpnpm fetch\b/.test(i.args));
    const sourceAt = body.findIndex((i) => i.op === 'COPY' && /^\.\s+\.$/.test(i.args));
    expect(fetchAt).toBeGreaterThan(-1);
    expect(sourceAt).toBeGreaterThan(fetchAt);
    for (const copy of body.slice(0, fetchAt).filter((i) => i.op === 'COPY')) {
      for (const file of copy.args.split(/\s+/).slice(0, -1)) {
        expect(
          ['pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', 'patches'],
          `${file} before pnpm fetch`,
        ).toContain(file);
      }
    }
    const install = body.findIndex(
      (i) => i.op === 'RUN' && /pnpm install --offline --frozen-lockfile/.test(i.args),
    );
    expect(install).toBeGreaterThan(sourceAt);
    expect(body.some((i) => i.op === 'RUN' && i.args.includes('infra/image/assemble.sh'))).toBe(true);
    expect(readFileSync(`${repo}/infra/image/assemble.sh`, 'utf8')).toMatch(/deploy --prod/);
    const ignored = readFileSync(`${repo}/.dockerignore`, 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });

  it('runs node dist/main.js as a non-root user, with a HEALTHCHECK by Node on /healthz', () => {
    const body = runtime?.body ?? [];
    const user = body.findIndex((i) => i.op === 'USER');
    const cmd = body.findIndex((i) => i.op === 'CMD');
    expect(user).toBeGreaterThan(-1);
    expect(['root', '0']).not.toContain(body[user]?.args.split(':')[0]);
    expect(body.slice(user + 1).some((i) => i.op === 'USER')).toBe(false);
    expect(cmd).toBeGreaterThan(user);
    expect(execForm(body[cmd]?.args ?? '')).toEqual(['node', 'dist/main.js']);
    expect(body).toContainEqual({ op: 'ENV', args: 'NODE_ENV=production' });
    const health = body.filter((i) => i.op === 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    const probe = execForm(health[0]?.args ?? '');
    expect(probe[0]).toBe('node');
    expect(probe.join(' ')).toMatch(/\/healthz/);
    expect(probe.join(' ')).not.toMatch(/curl|wget/);
  });
});

describe('docker-compose.yml and infra/k8s run compiled entries', () => {
  const entryOf = (command: string[] | undefined) => {
    const script = command?.at(-1) ?? 'dist/main.js';
    expect(command === undefined || command[0] === 'node', String(command)).toBe(true);
    const m = /^dist\/([\w-]+)\.js$/.exec(script);
    expect(m, `${script} is a compiled entry`).not.toBeNull();
    return m?.[1] ?? '';
  };
  /** The folder of @sp/<SERVICE>: services/<SERVICE>, or the one whose package.json names it. */
  const serviceDir = (service: string) =>
    readdirSync(`${repo}/services`).find(
      (d) =>
        existsSync(`${repo}/services/${d}/package.json`) &&
        JSON.parse(readFileSync(`${repo}/services/${d}/package.json`, 'utf8')).name === `@sp/${service}`,
    );

  it('every compose service built from infra/Dockerfile names a service and a source entry', () => {
    const compose = parse(readFileSync(`${repo}/docker-compose.yml`, 'utf8'), { merge: true }) as {
      services: Record<
        string,
        { build?: { dockerfile?: string; args?: { SERVICE?: string } }; command?: string[] }
      >;
    };
    const built = Object.entries(compose.services).filter(([, s]) => s.build);
    expect(built.length).toBeGreaterThan(0);
    for (const [name, s] of built) {
      expect(s.build?.dockerfile, name).toBe('infra/Dockerfile');
      const dir = serviceDir(s.build?.args?.SERVICE ?? '');
      expect(dir, `${name}: SERVICE ${s.build?.args?.SERVICE}`).toBeDefined();
      const entry = entryOf(s.command);
      expect(existsSync(`${repo}/services/${dir}/src/${entry}.ts`), `${name}: src/${entry}.ts`).toBe(true);
    }
  });

  it('the Kubernetes jobs run compiled entries of the suppression-api image', () => {
    const jobs = readFileSync(`${repo}/infra/k8s/base/jobs.yaml`, 'utf8');
    expect(jobs).not.toMatch(/tsx/);
    for (const m of jobs.matchAll(/command: (\["node".*\])/g)) {
      const entry = entryOf(JSON.parse(m[1] ?? '[]'));
      expect(existsSync(`${repo}/services/suppression-api/src/${entry}.ts`), entry).toBe(true);
    }
  });
});

describe('the edge image, laid out by its build step and started as the image starts it', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'sp-image-')), 'app');
  beforeAll(async () => {
    await run('sh', [`${repo}/infra/image/assemble.sh`, 'edge', out], { cwd: repo });
  }, 300_000);
  afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('holds the bundle and production npm packages, and no TypeScript of ours', () => {
    expect(existsSync(join(out, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(out, 'node_modules/fastify/package.json'))).toBe(true);
    // With the workspace's patches applied (kafkajs: no negative timeouts, see pnpm-workspace.yaml).
    const queue = readFileSync(join(out, 'node_modules/kafkajs/src/network/requestQueue/index.js'), 'utf8');
    expect(queue).toContain('Math.max(scheduleAt, 1)');
    expect(existsSync(join(out, 'node_modules/@sp'))).toBe(false);
    expect(existsSync(join(out, 'src'))).toBe(false);
    // Development tools stay out of a --prod deploy.
    for (const dev of ['vitest', 'typescript', 'tsx', '@sp/testing', 'playwright-core']) {
      expect(existsSync(join(out, 'node_modules', dev)), dev).toBe(false);
    }
  });

  it('answers the Dockerfile HEALTHCHECK while running and fails it once stopped', async () => {
    const health = dockerfile()
      .stages.at(-1)
      ?.body.find((i) => i.op === 'HEALTHCHECK');
    const [cmd, ...probe] = execForm(health?.args ?? '');
    expect(cmd).toBe('node');
    const { port, opsPort, child, stderr, exited } = await startCompiledEdge(out);
    const healthcheck = () =>
      run(process.execPath, probe, { env: { PATH: process.env.PATH ?? '', OPS_PORT: String(opsPort) } }).then(
        () => 0,
        (err: { code?: number }) => err.code ?? -1,
      );
    try {
      await waitFor('the image HEALTHCHECK to pass', async () => {
        if (child.exitCode !== null) throw new Error(`edge exited ${child.exitCode}: ${stderr()}`);
        return (await healthcheck()) === 0;
      });
      // Live is not ready: HTTP opens once Kafka, its topics and the database are there.
      await waitFor('the edge ready', async () => {
        return (await fetch(`http://127.0.0.1:${opsPort}/readyz`).catch(() => null))?.status === 200;
      });
      expect((await fetch(`http://127.0.0.1:${port}/privacy/do-not-sell`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(await healthcheck()).toBe(1);
    expect(stderr()).toBe('');
  });
});
