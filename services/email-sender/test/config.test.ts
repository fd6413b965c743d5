// The sender's configuration as an operator writes it: where RFC 9477 reports go (R-AB-5).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('the postal address of marketing mail (R-EM-7) from the brand file (issue 13)', () => {
  it('R-EM-7: BRAND_FILE gives the postal address and the name of the footer; POSTAL_ADDRESS wins; neither is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-sender-brand-'));
    try {
      const file = join(dir, 'brand.json');
      writeFileSync(
        file,
        JSON.stringify({
          name: 'InkShop',
          postalAddress: '1200 Harbor Example Way, Long Beach, CA 90802, USA',
        }),
      );
      const { POSTAL_ADDRESS: _, ...withoutAddress } = env;
      const fromFile = loadConfig({ ...withoutAddress, BRAND_FILE: file }).settings;
      expect(fromFile.postalAddress).toBe('1200 Harbor Example Way, Long Beach, CA 90802, USA');
      expect(fromFile.brandName).toBe('InkShop');
      expect(loadConfig({ ...env, BRAND_FILE: file }).settings.postalAddress).toBe(env.POSTAL_ADDRESS);
      expect(() => loadConfig(withoutAddress)).toThrow(
        /POSTAL_ADDRESS: marketing mail must carry a postal address/,
      );
      writeFileSync(file, JSON.stringify({ name: 'InkShop', primaryColor: 'blue' }));
      expect(() => loadConfig({ ...env, BRAND_FILE: file })).toThrow(/primaryColor: a hex colour/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
