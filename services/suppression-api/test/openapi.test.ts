// The OpenAPI document matches the implementation: the same routes both ways, and real answers of
// every operation validate against the documented schemas (the harness checks each answer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRoutes } from '../src/messages-spec';
import { buildOpenApi, openApiPath } from '../src/openapi';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
};

describe('OpenAPI 3.1 document', () => {
  it('is served at /openapi.json and is the generated one', async () => {
    const r = await api.call('GET', '/openapi.json', { token: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
    expect(r.body.openapi).toBe('3.1.0');
  });

  it('documents every route fastify registered, and nothing else', () => {
    const doc = buildOpenApi() as Doc;
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const registered = api.app.registeredRoutes.map((r) => openApiPath(r));
    expect(registered.sort()).toEqual(documented);
  });

  it('states that the export is only for processors that send on our behalf (R-EM-4) and who decides the kind', () => {
    const doc = buildOpenApi() as Doc & { paths: Record<string, Record<string, { description?: string }>> };
    expect(doc.paths['/v1/export']?.get?.description).toMatch(/R-EM-4.*processors that send on our behalf/);
    expect(doc.paths['/v1/check']?.post?.description).toMatch(/Senders, not callers, decide the kind/);
  });

  it('every documented success answer is produced by a real request and matches its schema', async () => {
    const email = uniqueEmail('oa');
    const calls: Array<[string, string, Parameters<TestApi['call']>[2]]> = [
      ['GET', '/healthz', { token: null }],
      ['GET', '/readyz', { token: null }],
      ['GET', '/metrics', { token: null }],
      ['GET', '/openapi.json', { token: null }],
      ['GET', '/docs', { token: null }],
      ['GET', '/docs/redoc.standalone.js', { token: null }],
      [
        'POST',
        '/v1/entries',
        { json: { email, channel: 'email', purpose: 'marketing', actor: 'a', reason: 'r' } },
      ],
      [
        'POST',
        '/v1/entries/lift',
        { json: { email, channel: 'email', purpose: 'marketing', actor: 'a', reason: 'r' } },
      ],
      [
        'POST',
        '/v1/entries',
        { json: { email, channel: 'any', purpose: 'sale_share', actor: 'a', reason: 'r' } },
      ],
      [
        'POST',
        '/v1/entries/lift',
        { json: { lifts: [{ email, channel: 'sms', purpose: 'all', actor: 'a', reason: 'r' }] } },
      ],
      ['POST', '/v1/check', { json: { email, channel: 'email', kind: 'sale_share' } }],
      ['POST', '/v1/check/batch', { json: { queries: [{ email, channel: 'sms', kind: 'marketing' }] } }],
      ['GET', '/v1/entries?limit=5', {}],
      ['GET', `/v1/history?email=${encodeURIComponent(email)}`, {}],
      ['POST', '/v1/import', { text: `${uniqueEmail('oa')},email,marketing,*,r\n` }],
      ['GET', '/v1/export?format=csv', {}],
      ['GET', '/v1/export?format=ndjson', {}],
      ['GET', '/v1/exports', {}],
      ['POST', '/v1/erasures', { json: { email: uniqueEmail('oa-erased'), actor: 'a', reason: 'r' } }],
      ['GET', `/v1/subjects/proof?email=${encodeURIComponent(email)}`, {}],
      ['GET', `/v1/subjects/proof?email=${encodeURIComponent(email)}&format=html`, {}],
      ['GET', '/v1/proof-key', { token: null }],
      ['GET', '/v1/ccpa/metrics?year=2026', {}],
      ['GET', '/v1/stats', {}],
      ['POST', '/v1/unsubscribe-links', { json: { email } }],
      ['POST', '/v1/erasures', { json: { email, actor: 'privacy-desk', reason: 'CCPA deletion' } }],
    ];
    for (const [method, path, opts] of calls) {
      const r = await api.call(method, path, opts);
      expect(r.status, `${method} ${path}: ${r.text.slice(0, 300)}`).toBeLessThan(300);
    }
    // Partner routes (issue 16): the partner token comes from the registration.
    const made = await api.call('POST', '/v1/partners', {
      json: { name: 'oa', contact: 'oa@partner.example', hashFormat: 'md5', seeds: 1 },
    });
    expect(made.status).toBe(201);
    const partner = { token: made.body.token as string };
    for (const [method, path, opts] of [
      ['GET', '/v1/partners', {}],
      ['POST', '/v1/partners/seed-hits', { json: { seed: made.body.seeds[0] } }],
      ['GET', '/v1/partner/suppression-file', partner],
      ['GET', '/v1/partner/suppression-file?gzip=1', partner],
      ['POST', '/v1/partner/scrub', { ...partner, json: { hashes: ['0'.repeat(32)] } }],
    ] as const) {
      const r = await api.call(method, path, opts);
      expect(r.status, `${method} ${path}: ${r.text.slice(0, 300)}`).toBeLessThan(300);
    }
    // Webhook routes (issue 14).
    const hook = await api.call('POST', '/v1/webhooks', { json: { url: 'https://hooks.example/in' } });
    expect(hook.status).toBe(201);
    const id = hook.body.endpoint.id as string;
    for (const [method, path, opts] of [
      ['GET', '/v1/webhooks', {}],
      ['GET', `/v1/webhooks/deliveries?endpointId=${id}`, {}],
      ['POST', '/v1/webhooks/redeliver', { json: { id } }],
      ['POST', '/v1/webhooks/disable', { json: { id } }],
    ] as const) {
      const r = await api.call(method, path, opts);
      expect(r.status, `${method} ${path}: ${r.text.slice(0, 300)}`).toBeLessThan(300);
    }
    // Topic routes (issue 13).
    for (const [method, path, opts] of [
      ['POST', '/v1/topics', { json: { id: 'oa-digest', names: { en: 'Digest' } } }],
      ['GET', '/v1/topics', {}],
      ['GET', '/v1/topics/oa-digest?history=true', {}],
      ['PATCH', '/v1/topics/oa-digest', { json: { defaultStatus: 'opt-in' } }],
      ['POST', '/v1/topics/oa-digest/archive', { json: {} }],
      ['POST', '/v1/topics/oa-digest/unarchive', { json: {} }],
      ['GET', '/v1/topics/oa-digest/history', {}],
    ] as const) {
      const r = await api.call(method, path, opts);
      expect(r.status, `${method} ${path}: ${r.text.slice(0, 300)}`).toBeLessThan(300);
    }
    // Error answers too: 400, 401, 403, 413 are documented and have the error schema.
    expect((await api.call('POST', '/v1/check', { json: {} })).status).toBe(400);
    expect((await api.call('GET', '/v1/stats', { token: null })).status).toBe(401);
    expect((await api.call('GET', '/v1/export', { token: api.tokens.check })).status).toBe(403);

    const doc = buildOpenApi() as Doc & {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
    };
    // The send API's answers need the senders running: send-api.test.ts checks those.
    const sendOps = new Set<string>(Object.values(messageRoutes).map((r) => r.operationId));
    const expected = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).flatMap((op) =>
        Object.entries(op.responses)
          .filter(([status]) => status.startsWith('2'))
          .flatMap(([status, res]) =>
            Object.keys(res.content ?? {}).map(
              (type) => `${(op as unknown as { operationId: string }).operationId} ${status} ${type}`,
            ),
          ),
      ),
    );
    for (const e of expected.filter((x) => !sendOps.has(x.split(' ')[0]!)))
      expect(api.seen, `no validated answer for ${e}`).toContain(e);
  });
});
