// The sender's configuration as an operator writes it: where RFC 9477 reports go (R-AB-5).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';

const env = {
  DATABASE_URL: 'postgres://localhost/list',
  SUBJECT_PEPPERS: 'p1:pepper-for-the-config-test-0123456789',
  PAYLOAD_KEYS: 'k1:payload-key-for-the-config-test-0123',
  TOKEN_KEYS: 'k1:token-key-for-the-config-test-0123456',
  EMAIL_FROM: 'Ink Shop <News@Mail.InkShop.example>',
  PUBLIC_BASE_URL: 'https://inkshop.example',
  UNSUBSCRIBE_DOMAIN: 'unsub.inkshop.example',
  POSTAL_ADDRESS: 'InkShop Inc., 100 Main St, Springfield',
};

describe('email sender config', () => {
  it('CFBL-Address is abuse@CFBL_DOMAIN, else abuse@ the From domain (the domain DKIM aligns with)', () => {
    expect(loadConfig(env).settings.cfblAddress).toBe('abuse@mail.inkshop.example');
    expect(loadConfig({ ...env, CFBL_DOMAIN: 'InkShop.example' }).settings.cfblAddress).toBe(
      'abuse@inkshop.example',
    );
  });
});
