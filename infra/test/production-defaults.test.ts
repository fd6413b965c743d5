// Every deployable of docker-compose.yml, started as a real process with compose's own environment
// but as production (the images set NODE_ENV=production; compose marks itself SP_ENV=development),
// refuses to start and names each published default it was given, without printing any value.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PUBLISHED_SECRETS } from '@sp/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const tsxCli = createRequire(`${repo}/package.json`).resolve('tsx/cli');

interface ComposeService {
  build?: { args?: { SERVICE?: string } };
  environment?: Record<string, string | number | boolean>;
}

/** Compose's environment for each service it builds, `${VAR:-default}` resolved to the default. */
function composeServices(): Map<string, Record<string, string>> {
  const compose = parse(readFileSync(`${repo}/docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const out = new Map<string, Record<string, string>>();
  for (const [name, svc] of Object.entries(compose.services)) {
    const service = svc.build?.args?.SERVICE;
    if (!service) continue;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.environment ?? {})) {
      env[k] = String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
    }
    out.set(name, env);
  }
  return out;
}

function start(
  service: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [tsxCli, `${repo}/services/${service}/src/main.ts`], {
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

  it('covers the nine deployables', () => {
    expect([...services.keys()].sort()).toEqual(
      [
        'abuse-inbox',
        'complaint-consumer',
        'dns-consumer',
        'edge',
        'email-sender',
        'optout-consumer',
        'sms-sender',
        'sms-stop-consumer',
        'suppression-api',
      ].sort(),
    );
    for (const env of services.values()) expect(env.SP_ENV).toBe('development');
  });

  it('makes every deployable refuse to start, naming each default and printing none', async () => {
    const results = await Promise.all(
      [...services].map(async ([service, composeEnv]) => {
        const { SP_ENV: _development, ...env } = composeEnv;
        return { service, env, ...(await start(service, { ...env, NODE_ENV: 'production' })) };
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
