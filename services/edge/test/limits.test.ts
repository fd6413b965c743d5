// Public pages are rate-limited per IP; bodies are size-limited (abuse protection of the edge).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type TestEdge } from './helpers';

let edge: TestEdge;
beforeAll(async () => {
  edge = await startEdge({ RATE_LIMIT_MAX: '3', BODY_LIMIT_BYTES: '2048' });
});
afterAll(async () => {
  await edge?.close();
});

describe('limits', () => {
  it('answers 429 once one IP exceeds the public-route limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${edge.url}/privacy/do-not-sell`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await fetch(`${edge.url}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Body=${'x'.repeat(5000)}`,
    });
    expect(res.status).toBe(413);
  });
});
