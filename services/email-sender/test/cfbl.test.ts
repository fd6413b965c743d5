// The RFC 9477 CFBL-Feedback-ID (R-AB-5): sealed, short, and never an over-long header line.
import { createSealer, generateSecret } from '@sp/identity';
import { describe, expect, it } from 'vitest';
import { cfblFeedbackId } from '../src/compose';

const sealer = createSealer({ keys: { k1: generateSecret() }, currentKeyId: 'k1' });

describe('CFBL-Feedback-ID', () => {
  it('opens to the address and campaign and stays under 100 characters for a usual address', () => {
    const id = cfblFeedbackId(sealer, 'ann.smith@example.com', 'nov-sale')!;
    expect(id.length).toBeLessThan(100);
    expect(id).not.toContain('ann.smith');
    expect(sealer.open(id)).toMatchObject({ email: 'ann.smith@example.com', campaignId: 'nov-sale' });
  });

  it('leaves an over-long campaign id out, and the header out when the address alone is too long', () => {
    const id = cfblFeedbackId(sealer, 'ann.smith@example.com', 'c'.repeat(1000))!;
    expect(id.length).toBeLessThanOrEqual(256);
    expect(sealer.open(id).campaignId).toBeUndefined();
    expect(cfblFeedbackId(sealer, `${'a'.repeat(64)}@${'d'.repeat(200)}.example`)).toBeUndefined();
  });
});
