// 11 CCR 7102 metrics from the R-DNS-7 request log, on real PostgreSQL: Do-Not-Sell requests go
// through apply() (as the dns-consumer writes them) with the response time set by the list's clock.
import { randomUUID } from 'node:crypto';
import { newEnvelope } from '@sp/contracts';
import { schema } from '@sp/db';
import { apply, type ListEvent } from '@sp/suppression';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const DAY = 86_400_000;

/** One request made at `at`, answered `days` later (the list's clock at apply time). */
async function request(at: string, days: number, data: Record<string, unknown>) {
  const event = newEnvelope(
    'privacy.do-not-sell.v1',
    'edge',
    {
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      subjects: { email: uniqueEmail('dns') },
      method: 'web-form',
      gpc: false,
      combinedForm: false,
      ...data,
    },
    { occurredAt: at },
  ) as unknown as ListEvent;
  const answered = new Date(Date.parse(at) + days * DAY);
  await apply({ ...api.ctx, clock: () => answered }, [event]);
}

describe('CCPA metrics (11 CCR 7102)', () => {
  it('counts a calendar year: received, complied in whole or part, denied, and the median days to respond', async () => {
    await request('2025-02-01T10:00:00Z', 1, {});
    await request('2025-03-01T10:00:00Z', 3, { method: 'gpc', gpc: true });
    // Combined form without an email address: honored in part.
    await request('2025-06-01T10:00:00Z', 5, {
      combinedForm: true,
      subjects: { customerId: 'cust-77' },
    });
    // A denial (R-DNS-4: an agent who could not show the consumer's permission), as the log holds it.
    await api.ctx.db.insert(schema.dnsRequests).values({
      requestId: 'req-denied',
      eventId: randomUUID(),
      requestedAt: new Date('2025-12-31T23:00:00Z'),
      asked: ['sale_share'],
      method: 'authorized-agent',
      gpc: false,
      combinedForm: false,
      subjectKeys: ['k-denied'],
      respondedAt: new Date(Date.parse('2025-12-31T23:00:00Z') + 10 * DAY),
      response: 'denied',
      denialReason: "no proof of the consumer's permission",
      retainUntil: new Date('2028-01-01T00:00:00Z'),
    });
    // Other years are not counted.
    await request('2024-12-31T23:59:00Z', 2, {});
    await request('2026-01-01T00:00:00Z', 2, {});

    const r = await api.call('GET', '/v1/ccpa/metrics?year=2025', { token: api.tokens.admin });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      year: 2025,
      from: '2025-01-01T00:00:00.000Z',
      to: '2026-01-01T00:00:00.000Z',
      received: 4,
      compliedInWholeOrInPart: 3,
      compliedInPart: 1,
      denied: 1,
      pending: 0,
      medianDaysToRespond: 4,
    });
    const empty = await api.call('GET', '/v1/ccpa/metrics?year=2023', { token: api.tokens.admin });
    expect(empty.body).toMatchObject({ received: 0, medianDaysToRespond: null });
  });

  it('needs a year and the admin scope', async () => {
    expect((await api.call('GET', '/v1/ccpa/metrics', { token: api.tokens.admin })).status).toBe(400);
    expect((await api.call('GET', '/v1/ccpa/metrics?year=2025', { token: api.tokens.check })).status).toBe(
      403,
    );
  });
});
