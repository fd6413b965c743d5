// POST /v1/check and /v1/check/batch answer from the local view of the list while it is fresh, and
// from PostgreSQL when it is not (DESIGN "Delivery"): the same answers either way, /readyz says
// which, and the api_check_source_total counter shows who answered.
import { waitFor } from '@sp/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({}, { listView: { maxLagMs: 600 } });
}, 120_000);
afterAll(async () => api?.close());

const suppress = (email: string) =>
  api.call('POST', '/v1/entries', {
    token: api.tokens.admin,
    json: { email, channel: 'email', purpose: 'marketing', actor: 'ops@shop', reason: 'asked by phone' },
  });
const sources = async () => {
  const text = (await api.call('GET', '/metrics', { token: null })).text;
  const count = (s: string) =>
    Number(text.match(new RegExp(`api_check_source_total\\{[^}]*source="${s}"[^}]*\\} (\\d+)`))?.[1] ?? 0);
  return { view: count('view'), database: count('database') };
};

it('answers from the fresh view, and from the database (same answer) while the view is stale (R-EM-1)', async () => {
  const a = uniqueEmail('viewed');
  expect((await suppress(a)).status).toBe(201);
  await api.changelog!.sync();
  const before = await sources();
  const one = await api.call('POST', '/v1/check', {
    token: api.tokens.check,
    json: { email: a, channel: 'email', kind: 'marketing' },
  });
  expect(one.body.allowed).toBe(false);
  expect(one.body.reasons.map((r: { reason: string; detail: unknown }) => [r.reason, r.detail])).toEqual([
    ['admin', { actor: api.tokenNames.admin, actorName: 'ops@shop', reason: 'asked by phone' }],
  ]);
  const batch = await api.call('POST', '/v1/check/batch', {
    token: api.tokens.check,
    json: {
      queries: [
        { email: a, channel: 'email', kind: 'marketing' },
        { email: uniqueEmail(), channel: 'email', kind: 'marketing' },
      ],
    },
  });
  expect(batch.body.results.map((r: { allowed: boolean }) => r.allowed)).toEqual([false, true]);
  expect((await sources()).view).toBe(before.view + 2);
  expect((await api.call('GET', '/readyz', { token: null })).body.checks).toEqual({
    db: true,
    listView: true,
  });

  await api.changelog!.stopRelay();
  const b = uniqueEmail('pending');
  expect((await suppress(b)).status).toBe(201);
  await waitFor(
    'the view stale',
    async () => (await api.call('GET', '/readyz', { token: null })).body.checks.listView === false,
  );
  const ready = await api.call('GET', '/readyz', { token: null });
  expect(ready.status).toBe(200); // the database still answers
  const stale = await sources();
  const late = await api.call('POST', '/v1/check', {
    token: api.tokens.check,
    json: { email: b, channel: 'email', kind: 'marketing' },
  });
  expect(late.body.allowed).toBe(false);
  expect((await sources()).database).toBe(stale.database + 1);

  api.changelog!.startRelay();
  await waitFor(
    'the view fresh again',
    async () => (await api.call('GET', '/readyz', { token: null })).body.checks.listView === true,
  );
  const back = await api.call('POST', '/v1/check', {
    token: api.tokens.check,
    json: { email: b, channel: 'email', kind: 'marketing' },
  });
  expect(back.body).toEqual(late.body);
});
