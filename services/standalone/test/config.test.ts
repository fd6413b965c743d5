// `npm start` takes the edge's abuse limits and TRUST_PROXY from its environment (README,
// "Limits and proxies"), and refuses a bad value before anything starts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig as loadEdgeConfig } from '@sp/edge';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config';

const dataDir = mkdtempSync(join(tmpdir(), 'sp-standalone-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('passes every edge limit and TRUST_PROXY through to the edge, and refuses a hop count or a bad number', () => {
  const cfg = loadConfig({
    DATA_DIR: dataDir,
    RATE_LIMIT_WINDOW_MS: '30000',
    PAGE_RATE_LIMIT_MAX: '7',
    FAILED_AUTH_RATE_LIMIT_MAX: '9',
    FORM_RATE_LIMIT_MAX: '3',
    RATE_LIMIT_MAX_KEYS: '500',
    DEDUPE_WINDOW_MS: '120000',
    TRUST_PROXY: '10.0.0.0/8, 192.168.0.1',
  });
  const edge = loadEdgeConfig({
    TOKEN_KEYS: cfg.secrets.tokenKeys,
    SUBJECT_PEPPERS: cfg.secrets.subjectPeppers,
    TWILIO_AUTH_TOKEN: cfg.secrets.twilioAuthToken,
    DNS_API_TOKEN: cfg.secrets.dnsApiToken,
    ...cfg.edgeLimits,
  });
  expect(edge.limits).toEqual({
    windowMs: 30_000,
    pageViewsPerIp: 7,
    failedAuthPerIp: 9,
    formPostsPerIdentifier: 3,
    maxKeys: 500,
    dedupeWindowMs: 120_000,
  });
  expect(edge.trustProxy).toBe('10.0.0.0/8, 192.168.0.1');

  expect(() => loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '2' })).toThrow(/TRUST_PROXY: a hop count/);
  expect(() => loadConfig({ DATA_DIR: dataDir, PAGE_RATE_LIMIT_MAX: 'many' })).toThrow(/PAGE_RATE_LIMIT_MAX/);
});
