// The webhooks service's environment: defaults, the provider sync switch and its purposes.
import { describe, expect, it } from 'vitest';
import { integrationOptions, loadConfig } from '../src/index';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: 'postgres://x@127.0.0.1/x',
  SUBJECT_PEPPERS: 'p1:0123456789abcdef0123456789abcdef',
};

describe('webhooks config', () => {
  it('defaults to webhooks only, 12 attempts from 5 s doubling to an hour', () => {
    const c = loadConfig(base);
    const o = integrationOptions(c);
    expect(o.providers).toEqual([]);
    expect(o.backoff).toEqual({ initialMs: 5_000, maxMs: 3_600_000, maxAttempts: 12 });
  });

  it('PROVIDER_SYNC=ses adds the SES adapter, for the purposes asked', () => {
    const o = integrationOptions(
      loadConfig({
        ...base,
        PROVIDER_SYNC: 'ses',
        PROVIDER_SYNC_SES_PURPOSES: 'all',
        SES_ENDPOINT: 'http://127.0.0.1:1',
      }),
    );
    expect(o.providers?.map((p) => p.name)).toEqual(['ses']);
    const ses = o.providers![0]!;
    expect(ses.reasonFor({ channel: 'email', purpose: 'all', topic: '*', reason: 'hard-bounce' })).toBe(
      'BOUNCE',
    );
    expect(
      ses.reasonFor({ channel: 'email', purpose: 'marketing', topic: '*', reason: 'email-optout' }),
    ).toBeNull();
  });

  it('refuses an unknown provider or purpose', () => {
    expect(() => loadConfig({ ...base, PROVIDER_SYNC: 'sendgrid' })).toThrow(/PROVIDER_SYNC/);
    expect(() => loadConfig({ ...base, PROVIDER_SYNC_SES_PURPOSES: 'sale_share' })).toThrow(
      /PROVIDER_SYNC_SES_PURPOSES/,
    );
  });
});
