// GET /v1/stats on a database of its own: counts per reason and channel, and the R-OC-5
// spam-complaint rate (complaints / marketing email sent over the window; target < 0.1%, alert 0.3%).
import { randomUUID } from 'node:crypto';
import { newEnvelope } from '@sp/contracts';
import { schema } from '@sp/db';
import { apply, validateListEvent } from '@sp/suppression';
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

async function sentMarketing(n: number, at: Date) {
  await api.handle.db.insert(schema.deliveryLog).values(
    Array.from({ length: n }, () => ({
      messageId: randomUUID(),
      channel: 'email',
      templateId: 'spring-newsletter',
      category: 'marketing',
      status: 'sent',
      attempts: 1,
      createdAt: at,
      updatedAt: at,
    })),
  );
}

async function complaints(n: number, at: Date) {
  await apply(
    api.ctx,
    Array.from({ length: n }, () =>
      validateListEvent(
        newEnvelope(
          'abuse.complaint.v1',
          'abuse-inbox',
          { email: uniqueEmail('spam'), kind: 'arf' },
          { occurredAt: at },
        ),
      ),
    ),
  );
}

describe('stats (R-OC-5)', () => {
  it('reports no rate before anything was sent', async () => {
    const r = await api.call('GET', '/v1/stats', { token: api.tokens.check });
    expect(r.status).toBe(200);
    expect(r.body.complaintRate).toMatchObject({
      complaints: 0,
      sentMarketingEmail: 0,
      rate: null,
      status: 'no-data',
    });
    expect(r.body.suppressedSubjects).toBe(0);
  });

  it('counts active entries per reason and channel, and flags the complaint rate', async () => {
    const now = new Date();
    await sentMarketing(1000, new Date(now.getTime() - DAY));
    await sentMarketing(500, new Date(now.getTime() - 90 * DAY)); // outside a 30-day window
    await complaints(2, new Date(now.getTime() - 2 * DAY));
    await complaints(3, new Date(now.getTime() - 60 * DAY)); // outside the window
    for (const phone of ['+14155550101', '+14155550102']) {
      const res = await api.call('POST', '/v1/entries', {
        token: api.tokens.admin,
        json: { phone, channel: 'sms', purpose: 'all', actor: 'ops', reason: 'STOP by phone call' },
      });
      expect(res.status).toBe(201);
    }

    const r = await api.call('GET', '/v1/stats?days=30', { token: api.tokens.check });
    expect(r.body.entries).toEqual([
      { reason: 'admin', channel: 'sms', purpose: 'all', count: 2 },
      { reason: 'complaint', channel: 'email', purpose: 'marketing', count: 5 },
    ]);
    expect(r.body.suppressedSubjects).toBe(7);
    expect(r.body.complaintRate).toMatchObject({
      windowDays: 30,
      complaints: 2,
      sentMarketingEmail: 1000,
      rate: 0.002,
      target: 0.001,
      alertThreshold: 0.003,
      status: 'above-target',
    });

    await complaints(2, now);
    const alert = await api.call('GET', '/v1/stats?days=30', { token: api.tokens.check });
    expect(alert.body.complaintRate).toMatchObject({ complaints: 4, rate: 0.004, status: 'alert' });

    const wide = await api.call('GET', '/v1/stats?days=120', { token: api.tokens.check });
    expect(wide.body.complaintRate).toMatchObject({
      complaints: 7,
      sentMarketingEmail: 1500,
      status: 'alert',
    });
  });
});
