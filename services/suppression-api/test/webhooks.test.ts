// Issue 14 over real HTTP on real PostgreSQL: webhook endpoints are registered, listed, disabled
// and their deliveries read through the API (admin scope); every answer is validated against the
// OpenAPI document by the harness.
import { createEndpoint } from '@sp/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('webhook endpoints over the API', () => {
  it('registers an endpoint with its filter and answers the whsec_ secret once', async () => {
    const r = await api.call('POST', '/v1/webhooks', {
      json: {
        url: 'https://crm.shop.example/hooks/suppressions',
        description: 'CRM',
        channels: ['email'],
        purposes: ['marketing', 'all'],
        reasons: ['complaint', 'hard-bounce'],
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(r.body.endpoint).toMatchObject({
      url: 'https://crm.shop.example/hooks/suppressions',
      channels: ['email'],
      purposes: ['marketing', 'all'],
      reasons: ['complaint', 'hard-bounce'],
      includeAddress: false,
      status: 'active',
      deliveries: { pending: 0, delivered: 0, dead: 0 },
    });
    const list = await api.call('GET', '/v1/webhooks');
    const listed = list.body.endpoints.find((e: { id: string }) => e.id === r.body.endpoint.id);
    expect(listed).toEqual(r.body.endpoint);
    expect(list.text).not.toContain(r.body.secret.slice(6));
  });

  it('keeps a secret the operator brings, sealed at rest with the vault key', async () => {
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const r = await api.call('POST', '/v1/webhooks', { json: { url: 'http://127.0.0.1:9/x', secret } });
    expect(r.status).toBe(201);
    expect(r.body.secret).toBe(secret);
    const rows = await api.handle.sql.query<{ secret: string }>(
      'select secret from webhook_endpoints where id = $1',
      [r.body.endpoint.id],
    );
    expect(rows[0]!.secret).toMatch(/^sealed:/);
    expect(rows[0]!.secret).not.toContain(secret.slice(6));
  });

  it('refuses bad input with 400 naming the field, and unknown endpoints with 404', async () => {
    const bad = await api.call('POST', '/v1/webhooks', { json: { url: 'ftp://x.example/in' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^body\.url/);
    const badSecret = await api.call('POST', '/v1/webhooks', {
      json: { url: 'https://x.example/in', secret: 'not-a-secret' },
    });
    expect(badSecret.status).toBe(400);
    expect(badSecret.body.message).toMatch(/^body\.secret/);
    const badFilter = await api.call('POST', '/v1/webhooks', {
      json: { url: 'https://x.example/in', channels: ['fax'] },
    });
    expect(badFilter.status).toBe(400);
    const unknownParam = await api.call('GET', '/v1/webhooks/deliveries?endpointId=ep_x&colour=red');
    expect(unknownParam.status).toBe(400);
    for (const [method, path, opts] of [
      ['GET', '/v1/webhooks/deliveries?endpointId=ep_missing', {}],
      ['POST', '/v1/webhooks/disable', { json: { id: 'ep_missing' } }],
      ['POST', '/v1/webhooks/redeliver', { json: { id: 'ep_missing' } }],
    ] as const) {
      const r = await api.call(method, path, opts);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error).toBe('not_found');
    }
  });

  it('is for admin tokens only', async () => {
    const r = await api.call('GET', '/v1/webhooks', { token: api.tokens.check });
    expect(r.status).toBe(403);
    const c = await api.call('POST', '/v1/webhooks', { token: null, json: { url: 'https://x.example' } });
    expect(c.status).toBe(401);
  });

  it('shows deliveries with their attempts, and disables an endpoint', async () => {
    const { endpoint } = await createEndpoint(api.ctx, {
      url: 'http://127.0.0.1:9/none',
      includeAddress: false,
    });
    // A delivery with two recorded attempts, as the dispatcher leaves them.
    const [d] = await api.handle.sql.query<{ id: number }>(
      `insert into webhook_deliveries (endpoint_id, seq, subject_key, entry, status, attempts, last_error)
       values ($1, 41, 'k1', $2, 'dead', 2, 'HTTP 500') returning id`,
      [endpoint.id, JSON.stringify({ subjectKey: 'k1', suppressed: true })],
    );
    for (const [attempt, status] of [
      [1, 500],
      [2, 500],
    ]) {
      await api.handle.sql.query(
        `insert into webhook_attempts (delivery_id, endpoint_id, attempt, http_status, error, duration_ms)
         values ($1, $2, $3, $4, 'HTTP 500', 12)`,
        [d!.id, endpoint.id, attempt, status],
      );
    }
    const dead = await api.call('GET', `/v1/webhooks/deliveries?endpointId=${endpoint.id}&status=dead`);
    expect(dead.status).toBe(200);
    expect(dead.body.deliveries).toEqual([
      expect.objectContaining({
        messageId: 'msg_41',
        subjectKey: 'k1',
        type: 'suppression.created',
        status: 'dead',
        lastError: 'HTTP 500',
        attempts: [
          expect.objectContaining({ attempt: 1, httpStatus: 500, error: 'HTTP 500' }),
          expect.objectContaining({ attempt: 2, httpStatus: 500 }),
        ],
      }),
    ]);
    const again = await api.call('POST', '/v1/webhooks/redeliver', { json: { id: endpoint.id } });
    expect(again.body).toEqual({ endpointId: endpoint.id, redelivered: 1 });
    const pending = await api.call('GET', `/v1/webhooks/deliveries?endpointId=${endpoint.id}&status=pending`);
    expect(pending.body.deliveries.map((x: { messageId: string }) => x.messageId)).toEqual(['msg_41']);

    const off = await api.call('POST', '/v1/webhooks/disable', { json: { id: endpoint.id } });
    expect(off.status).toBe(200);
    expect(off.body.endpoint).toMatchObject({
      id: endpoint.id,
      status: 'disabled',
      deliveries: { pending: 1 },
    });
  });
});
