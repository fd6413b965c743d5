// API_TOKENS="token1:check,token2:check+admin" and the rest of the environment.
import { ConfigError } from '@sp/config';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';

const base = {
  DATABASE_URL: 'postgres://localhost/x',
  SUBJECT_PEPPERS: 'p1:0123456789abcdef0123',
  TOKEN_KEYS: 't1:0123456789abcdef0123',
  PUBLIC_BASE_URL: 'https://shop.example/',
  UNSUBSCRIBE_DOMAIN: 'shop.example',
};

describe('config', () => {
  it('reads the vault key from VAULT_KEYS, the name every service uses, and still from VAULT_KEY', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const old = Buffer.alloc(32, 9).toString('base64');
    const tokens = { API_TOKENS: 'ops-token-0123456789:admin' };
    expect(loadConfig({ ...base, ...tokens, VAULT_KEYS: `v2:${key},v1:${old}` }).vault).toEqual({
      keyId: 'v2',
      key: Buffer.alloc(32, 7),
    });
    expect(loadConfig({ ...base, ...tokens, VAULT_KEY: `v1:${old}` }).vault?.keyId).toBe('v1');
    expect(loadConfig({ ...base, ...tokens }).vault).toBeUndefined();
    expect(() => loadConfig({ ...base, ...tokens, VAULT_KEYS: 'v1:short' })).toThrow(ConfigError);
  });

  it('parses tokens with their scopes', () => {
    const c = loadConfig({
      ...base,
      API_TOKENS: 'sender-token-0123456:check, ops-token-0123456789:check+admin',
    });
    expect([...c.tokens].map(([t, s]) => [t, [...s]])).toEqual([
      ['sender-token-0123456', ['check']],
      ['ops-token-0123456789', ['check', 'admin']],
    ]);
    expect(c.publicBaseUrl).toBe('https://shop.example');
    expect(c.migrateOnStart).toBe(false);
  });

  it.each([
    ['no scope', 'sender-token-0123456'],
    ['unknown scope', 'sender-token-0123456:write'],
    ['short token', 'short:check'],
    ['empty', ''],
  ])('refuses API_TOKENS with %s', (_what, value) => {
    expect(() => loadConfig({ ...base, API_TOKENS: value })).toThrow(ConfigError);
  });
});

describe('API_TOKENS names (issue 15: who did it)', () => {
  it('reads "name=token:scopes", and names an unnamed token by a digest that does not reveal it', () => {
    const c = loadConfig({
      ...base,
      API_TOKENS: 'ops-anna=anna-token-0123456789:check+admin, sender-token-0123456:check',
    });
    expect([...c.tokens].map(([t, s]) => [t, [...s]])).toEqual([
      ['anna-token-0123456789', ['check', 'admin']],
      ['sender-token-0123456', ['check']],
    ]);
    expect(c.tokenNames.get('anna-token-0123456789')).toBe('ops-anna');
    const unnamed = c.tokenNames.get('sender-token-0123456')!;
    expect(unnamed).toMatch(/^token-[0-9a-f]{8}$/);
    expect(unnamed).not.toContain('sender');
  });

  it('keeps a base64 token with "=" padding in the older form', () => {
    const c = loadConfig({ ...base, API_TOKENS: 'c2VjcmV0LXRva2VuLTAxMjM0NTY3OA==:check' });
    expect([...c.tokens.keys()]).toEqual(['c2VjcmV0LXRva2VuLTAxMjM0NTY3OA==']);
  });

  it('refuses two tokens with the same name', () => {
    expect(() =>
      loadConfig({ ...base, API_TOKENS: 'ops=a-token-0123456789abc:admin,ops=b-token-0123456789abc:admin' }),
    ).toThrow(ConfigError);
  });
});
