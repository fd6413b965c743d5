// Every deployable of docker-compose.yml (the retention job included), started as a real process with compose's own environment
// but as production (the images set NODE_ENV=production; compose marks itself SP_ENV=development),
// refuses to start and names each published default it was given, without printing any value.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PUBLISHED_SECRETS } from '@sp/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsxCli = createRequire(`${repo}/package.json`).resolve('tsx/cli');

interface ComposeService {
  build?: { args?: { SERVICE?: string } };
  command?: string[];
  environment?: Record<string, string | number | boolean>;
}

interface Deployable {
  /** The entry file the container runs (its `command`'s script, or the image's src/main.ts). */
  entry: string;
  env: Record<string, string>;
}

/** Compose's environment for each service it builds, `${VAR:-default}` resolved to the default. */
function composeServices(): Map<string, Deployable> {
  const compose = parse(readFileSync(`${repo}/docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const out = new Map<string, Deployable>();
  for (const [name, svc] of Object.entries(compose.services)) {
    const service = svc.build?.args?.SERVICE;
    if (!service) continue;
    // The image is the package @sp/<SERVICE>; its folder is services/<SERVICE> or, for a package
    // named apart from its folder (webhooks-service), services/<compose name>.
    const dir = existsSync(`${repo}/services/${service}`) ? service : name;
    // The image runs dist/X.js, compiled from src/X.ts (scripts/build.mjs); here the source runs.
    const compiled = svc.command?.find((a) => a.endsWith('.js')) ?? 'dist/main.js';
    const script = compiled.replace(/^dist\/(.+)\.js$/, 'src/$1.ts');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.environment ?? {})) {
      env[k] = String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
    }
    out.set(name, { entry: `${repo}/services/${dir}/${script}`, env });
  }
  return out;
}

function start(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [tsxCli, entry], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000); // a service that starts is a failure
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe('compose’s development defaults in production', () => {
  const services = composeServices();

  it('covers every deployable compose builds', () => {
    expect([...services.keys()].sort()).toEqual(
      [
        'abuse-inbox',
        'complaint-consumer',
        'dns-consumer',
        'edge',
        'email-sender',
        'optout-consumer',
        'retention',
        'sms-sender',
        'sms-stop-consumer',
        'suppression-api',
        'webhooks',
      ].sort(),
    );
    for (const d of services.values()) {
      expect(d.env.SP_ENV).toBe('development');
      expect(existsSync(d.entry), d.entry).toBe(true);
    }
  });

  it('makes every deployable refuse to start, naming each default and printing none', async () => {
    const results = await Promise.all(
      [...services].map(async ([service, d]) => {
        const { SP_ENV: _development, ...env } = d.env;
        return { service, env, ...(await start(d.entry, { ...env, NODE_ENV: 'production' })) };
      }),
    );
    for (const { service, env, code, output } of results) {
      expect(code, `${service}: ${output}`).not.toBe(0);
      expect(output, service).toContain('Refusing to start in production');
      const given = Object.entries(env).filter(([, v]) => PUBLISHED_SECRETS.includes(v));
      expect(given.length, service).toBeGreaterThan(0);
      for (const [name] of given)
        expect(output, `${service} names ${name}`).toContain(`${name}: is a development default`);
      for (const value of PUBLISHED_SECRETS) expect(output, service).not.toContain(value);
    }
  });
});
