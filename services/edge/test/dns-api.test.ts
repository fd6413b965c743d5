// Do-Not-Sell requests taken by phone, email or an authorized agent enter through the API
// (R-DNS-3, R-DNS-4): bearer-protected, validated, in Kafka before the 202.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, startEdge, type TestEdge, uniqueEmail } from './helpers';

let edge: TestEdge;
beforeAll(async () => {
  edge = await startEdge();
});
afterAll(async () => {
  await edge?.close();
});

function call(body: unknown, token?: string) {
  return fetch(`${edge.url}/v1/privacy/do-not-sell`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('POST /v1/privacy/do-not-sell', () => {
  it('R-DNS-4: refuses a missing token and an agent request without agent identity; R-DNS-3: records a phone-taken and an agent request', async () => {
    const email = uniqueEmail('dns-api');
    expect((await call({ subjects: { email }, method: 'phone' })).status).toBe(401);
    expect((await call({ subjects: { email }, method: 'phone' }, 'wrong-token-wrong-token')).status).toBe(
      401,
    );
    expect((await call({ subjects: { email }, method: 'authorized-agent' }, edge.dnsApiToken)).status).toBe(
      400,
    );
    expect((await call({ subjects: {}, method: 'phone' }, edge.dnsApiToken)).status).toBe(400);
    expect(
      (await call({ subjects: { email: 'not an address' }, method: 'phone' }, edge.dnsApiToken)).status,
    ).toBe(400);

    const byPhone = await call(
      { requestId: 'call-123', subjects: { email, phone: '+14155550199' }, method: 'phone' },
      edge.dnsApiToken,
    );
    expect(byPhone.status).toBe(202);
    expect(await byPhone.json()).toMatchObject({ requestId: 'call-123' });
    const byAgent = await call(
      {
        subjects: { customerId: 'cust-42' },
        method: 'authorized-agent',
        agent: { name: 'Privacy Agents LLC', permissionRef: 'poa-2026-17' },
        minor: true,
      },
      edge.dnsApiToken,
    );
    expect(byAgent.status).toBe(202);

    // Ordered topic: had a refused request published, it would come first.
    const got = await events<Record<string, unknown>>(edge, edge.topics.doNotSell, 2);
    expect(got[0]!.event.data).toEqual({
      requestId: 'call-123',
      subjects: { email, phone: '+14155550199' },
      method: 'phone',
      gpc: false,
      combinedForm: false,
    });
    expect(got[0]!.key).toBe(edge.keyer.keyOf({ type: 'email', value: email }));
    expect(got[1]!.event.data).toMatchObject({
      subjects: { customerId: 'cust-42' },
      method: 'authorized-agent',
      agent: { name: 'Privacy Agents LLC', permissionRef: 'poa-2026-17' },
      minor: true,
    });
  });
});
