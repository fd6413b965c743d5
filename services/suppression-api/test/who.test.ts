// Issue 15 "who did it" (R-PR-3): the token's identity is recorded for every admin write, import,
// export and erasure, whatever `actor` the body claims. Real PostgreSQL, real HTTP; answers checked against the document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

const ANNA = 'anna-token-0123456789abcdef';
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    API_TOKENS: `ops-anna=${ANNA}:check+admin,legacy-token-0123456789:admin`,
  });
});
afterAll(async () => {
  await api?.close();
});

const history = async (email: string) =>
  (await api.call('GET', `/v1/history?email=${encodeURIComponent(email)}`, { token: ANNA })).body;

describe('admin writes record the token identity', () => {
  it('a lift with the token named "ops-anna" records ops-anna, whatever actor the body says', async () => {
    const email = uniqueEmail('who');
    const scope = { email, channel: 'email', purpose: 'marketing', topic: '*' };
    const add = await api.call('POST', '/v1/entries', {
      token: ANNA,
      json: { ...scope, reason: 'called the desk' },
    });
    expect(add.status).toBe(201);
    const lift = await api.call('POST', '/v1/entries/lift', {
      token: ANNA,
      json: { ...scope, actor: 'ops-bob', reason: 'opted back in at the till' },
    });
    expect(lift.status).toBe(201);
    const h = await history(email);
    expect(h.entries.map((e: { payload: { data: { action: string } } }) => e.payload.data.action)).toEqual([
      'suppress',
      'lift',
    ]);
    const l = h.entries[1].payload;
    expect(l.data.actor).toBe('ops-anna');
    expect(l.data.actorName).toBe('ops-bob');
    expect(l.evidence).toEqual({ by: 'ops-anna', actor: 'ops-bob', reason: 'opted back in at the till' });
    expect(h.entries[0].payload.evidence).toEqual({ by: 'ops-anna', reason: 'called the desk' });
  });

  it('an unnamed (older form) token is recorded by its digest name, not as the body actor', async () => {
    const email = uniqueEmail('legacy');
    const r = await api.call('POST', '/v1/entries', {
      token: 'legacy-token-0123456789',
      json: { email, channel: 'email', purpose: 'marketing', actor: 'ops-anna', reason: 'r' },
    });
    expect(r.status).toBe(201);
    const e = (await history(email)).entries[0].payload;
    expect(e.evidence.by).toMatch(/^token-[0-9a-f]{8}$/);
    expect(e.data.actor).toBe(e.evidence.by);
    expect(e.data.actorName).toBe('ops-anna');
  });

  it('an import records the token identity beside the actor query', async () => {
    const email = uniqueEmail('imported');
    const r = await api.call('POST', '/v1/import?actor=migration-2026', {
      token: ANNA,
      text: `${email},email,marketing,*,old ESP unsubscribe\n`,
    });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(1);
    const e = (await history(email)).entries[0].payload;
    expect(e.data).toMatchObject({
      actor: 'ops-anna',
      actorName: 'migration-2026',
      reason: 'old ESP unsubscribe',
    });
    // The import's evidence (issue 12): the file, the line and the operator, and the token (issue 15).
    expect(e.evidence).toEqual({
      by: 'ops-anna',
      operator: 'migration-2026',
      file: expect.any(String),
      line: 1,
    });
  });
});

describe('erasure records the token identity (R-PR-3)', () => {
  it('an erasure by ops-anna records ops-anna, with the person the body names beside it', async () => {
    const email = uniqueEmail('erased');
    const add = await api.call('POST', '/v1/entries', {
      token: ANNA,
      json: { email, channel: 'email', purpose: 'marketing', reason: 'opt-out by phone' },
    });
    expect(add.status).toBe(201);
    const r = await api.call('POST', '/v1/erasures', {
      token: ANNA,
      json: { email, actor: 'ops-bob', reason: 'CCPA deletion request' },
    });
    expect(r.status).toBe(200);
    const h = await history(email);
    const erasure = h.entries.find((e: { type: string }) => e.type === 'privacy.erasure.v1');
    expect(erasure.payload.data.actor).toBe('ops-anna (ops-bob)');
    expect(erasure.payload.evidence).toEqual({
      by: 'ops-anna',
      actor: 'ops-bob',
      reason: 'CCPA deletion request',
    });
  });
});

describe('exports are recorded (R-EM-4, R-PR-3)', () => {
  it('records who, when, which filter and how many rows', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    for (const tag of ['x1', 'x2']) {
      const r = await api.call('POST', '/v1/entries', {
        token: ANNA,
        json: { email: uniqueEmail(tag), channel: 'sms', purpose: 'all', reason: 'STOP by phone' },
      });
      expect(r.status).toBe(201);
    }
    const ex = await api.call(
      'GET',
      '/v1/export?format=ndjson&channel=sms&purpose=all&actor=Anna%20K&reason=for%20the%20SMS%20processor',
      { token: ANNA },
    );
    expect(ex.status).toBe(200);
    const lines = ex.text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const recs = await api.call('GET', `/v1/exports?from=${encodeURIComponent(before)}`, { token: ANNA });
    expect(recs.status).toBe(200);
    const mine = recs.body.exports.filter((x: { filter: { channel: string } }) => x.filter.channel === 'sms');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      by: 'ops-anna',
      actor: 'Anna K',
      reason: 'for the SMS processor',
      filter: { channel: 'sms', purpose: 'all' },
      format: 'ndjson',
      rows: lines.length,
      addresses: true,
      complete: true,
    });
    expect(Date.parse(mine[0].at)).toBeGreaterThanOrEqual(Date.parse(before));
  });
});
