// Production refuses the development secrets this repository publishes (R-PR: nothing that
// protects people's data may be a public value), naming each variable and never printing a value.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, isProduction, keyRing, PUBLISHED_SECRETS, parseEnv } from '../src/index';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

/** The `${VAR:-default}` secrets of docker-compose.yml's x-secrets block and of API_TOKENS etc. */
function composeDefaults(): Record<string, string> {
  const compose = readFileSync(`${repo}/docker-compose.yml`, 'utf8');
  const out: Record<string, string> = {};
  for (const m of compose.matchAll(/^\s+([A-Z_]+): \$\{[A-Z_]+:-([^}]+)\}/gm)) out[m[1]!] = m[2]!;
  return out;
}

const SECRET_NAMES = [
  'SUBJECT_PEPPERS',
  'TOKEN_KEYS',
  'PAYLOAD_KEYS',
  'VAULT_KEYS',
  'EVENT_KEYS',
  'API_TOKENS',
  'TWILIO_AUTH_TOKEN',
  'DNS_API_TOKEN',
  'PROOF_SIGNING_KEY',
];

describe('production settings', () => {
  it('knows every secret docker-compose.yml and the development Kubernetes overlay publish', () => {
    const defaults = composeDefaults();
    for (const name of SECRET_NAMES) {
      expect(defaults[name], name).toBeDefined();
      expect(PUBLISHED_SECRETS, name).toContain(defaults[name]);
    }
    const overlay = readFileSync(`${repo}/infra/k8s/overlays/development/kustomization.yaml`, 'utf8');
    for (const m of overlay.matchAll(/^\s+- ([A-Z_]+)=(.+)$/gm)) {
      if (m[1] === 'TWILIO_ACCOUNT_SID' || m[1] === 'TWILIO_MESSAGING_SERVICE_SID') continue; // identifiers, not secrets
      if (!/KEY|PEPPER|TOKEN|DATABASE_URL|SECRET/.test(m[1]!)) continue;
      expect(PUBLISHED_SECRETS, m[1]).toContain(m[2]);
    }
  });

  const Schema = z.object({
    SUBJECT_PEPPERS: keyRing,
    TOKEN_KEYS: keyRing,
    API_TOKENS: z.string(),
    PUBLIC_BASE_URL: z.url(),
  });

  it('refuses compose’s defaults with NODE_ENV=production, one line per variable, no value printed', () => {
    const d = composeDefaults();
    const env = {
      NODE_ENV: 'production',
      SUBJECT_PEPPERS: d.SUBJECT_PEPPERS,
      TOKEN_KEYS: `k2:${'x'.repeat(32)},${d.TOKEN_KEYS}`, // a published key still in the ring
      API_TOKENS: d.API_TOKENS,
      PUBLIC_BASE_URL: 'https://unsubscribe.shop.example',
    };
    let err: unknown;
    try {
      parseEnv(Schema, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain('Refusing to start in production');
    for (const name of ['SUBJECT_PEPPERS', 'TOKEN_KEYS', 'API_TOKENS']) expect(message).toContain(`${name}:`);
    expect(message).not.toContain('PUBLIC_BASE_URL');
    for (const value of PUBLISHED_SECRETS) expect(message).not.toContain(value);
  });

  it('requires a public https PUBLIC_BASE_URL in production where the service reads one', () => {
    const own = {
      SUBJECT_PEPPERS: `p9:${'a'.repeat(40)}`,
      TOKEN_KEYS: `k9:${'b'.repeat(40)}`,
      API_TOKENS: 't'.repeat(20),
    };
    expect(() => parseEnv(Schema, { SP_ENV: 'production', ...own })).toThrow(
      /PUBLIC_BASE_URL: required in production/,
    );
    expect(() =>
      parseEnv(Schema, { SP_ENV: 'production', ...own, PUBLIC_BASE_URL: 'http://localhost:8080' }),
    ).toThrow(/PUBLIC_BASE_URL: must be a public https address/);
    expect(
      parseEnv(Schema, { SP_ENV: 'production', ...own, PUBLIC_BASE_URL: 'https://u.shop.example' })
        .API_TOKENS,
    ).toBe('t'.repeat(20));
  });

  it('lets development run on the defaults: SP_ENV=development wins over the images’ NODE_ENV', () => {
    const d = composeDefaults();
    const env = {
      NODE_ENV: 'production',
      SP_ENV: 'development',
      SUBJECT_PEPPERS: d.SUBJECT_PEPPERS,
      TOKEN_KEYS: d.TOKEN_KEYS,
      API_TOKENS: d.API_TOKENS,
      PUBLIC_BASE_URL: 'http://localhost:8080',
    };
    expect(isProduction(env)).toBe(false);
    expect(parseEnv(Schema, env).API_TOKENS).toBe(d.API_TOKENS);
    expect(isProduction({ NODE_ENV: 'production' })).toBe(true);
    expect(isProduction({ SP_ENV: 'production', NODE_ENV: 'development' })).toBe(true);
    expect(isProduction({})).toBe(false);
  });
});
