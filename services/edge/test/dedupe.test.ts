// The dedupe that bounds the cost of repeated valid requests must never lose an opt-out: a key
// whose publish failed is forgotten (the retry publishes), and a key is remembered only for its window.
import { describe, expect, it } from 'vitest';
import { createDedupe, createWindowLimiter } from '../src/limits';

describe('createDedupe', () => {
  it('forgets a failed publish, waits for one in flight, and remembers a published key for its window only', async () => {
    let t = 0;
    const dedupe = createDedupe({ windowMs: 1000, maxKeys: 10, now: () => t });
    const first = await dedupe.claim('token-a');
    expect(first).not.toBeNull();
    // A duplicate arriving while the first is in flight waits for its outcome.
    const waiting = dedupe.claim('token-a');
    first!(false);
    const retry = await waiting;
    expect(retry).not.toBeNull();
    retry!(true);
    expect(await dedupe.claim('token-a')).toBeNull();
    t = 1000;
    const later = await dedupe.claim('token-a');
    expect(later).not.toBeNull();
  });
});

describe('createWindowLimiter', () => {
  it('refuses past the budget with the seconds left in the window, and starts afresh after it', () => {
    let t = 0;
    const limiter = createWindowLimiter({ max: 2, windowMs: 10_000, maxKeys: 10, now: () => t });
    expect(limiter.hit('ip')).toEqual({ allowed: true });
    expect(limiter.hit('ip')).toEqual({ allowed: true });
    t = 2500;
    expect(limiter.hit('ip')).toEqual({ allowed: false, retryAfterSeconds: 8 });
    expect(limiter.hit('other-ip')).toEqual({ allowed: true });
    t = 10_000;
    expect(limiter.hit('ip')).toEqual({ allowed: true });
  });
});
