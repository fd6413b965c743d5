// Our Standard Webhooks signatures, checked by the `standardwebhooks` library (the independent
// verifier): same signature as it makes, verified, and refused when the body, id or time differ.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newSecret, signature, signedHeaders } from '../src/sign';

describe('Standard Webhooks signature', () => {
  it('is what the standardwebhooks library makes and verifies', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const wh = new Webhook(secret);
    const body = JSON.stringify({
      type: 'suppression.created',
      timestamp: '2026-11-25T10:00:00Z',
      data: { seq: 1 },
    });
    const now = new Date();
    const headers = signedHeaders(secret, 'msg_1', body, now);
    expect(headers['webhook-signature']).toBe(wh.sign('msg_1', now, body));
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => wh.verify(`${body} `, headers)).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow();
    const old = signedHeaders(secret, 'msg_1', body, new Date(now.getTime() - 10 * 60_000));
    expect(() => wh.verify(body, old)).toThrow(); // replayed too late
  });

  it('keys the HMAC with the base64 part of the secret', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    expect(signature(secret, 'msg_7', 1_700_000_000, '{}')).toBe(
      new Webhook(secret).sign('msg_7', new Date(1_700_000_000_000), '{}'),
    );
  });
});
