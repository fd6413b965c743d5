// listRefusal, the check ingresses run before publishing (issue 10 item 9), refuses exactly what
// apply() cannot write: a property over random events of every ingress type, on real PostgreSQL.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, listRefusal } from '../src/index';
import { email, openTestDb, phone, type TestDb } from './helpers';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.close();
});

// Identifiers as ingresses receive them: good ones, near misses, controls, NUL, lone surrogates.
const identifier = (good: () => string) =>
  fc.oneof(
    fc.constant(null).map(() => good()),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('', ' ', 'x@@example.com', 'VERIFY', '12345', 'c'.repeat(201), '\uD800', 'a@b'),
    fc.constant(null).map(() => `${good()}\u0000`),
  );
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constant('stop\u0000'),
);

const event = fc.oneof(
  fc.record({ e: identifier(email), topic: fc.option(text, { nil: undefined }) }).map(({ e, topic }) => ({
    type: 'consent.email-optout.v1',
    data: { email: e, method: 'one-click', ...(topic !== undefined ? { topic } : {}) },
  })),
  fc.record({ from: identifier(phone), body: text }).map(({ from, body }) => ({
    type: 'consent.sms-inbound.v1',
    data: { from, to: '+18005550100', body, defaultRegion: 'US' },
  })),
  fc.record({ customerId: identifier(() => `cust-${randomUUID()}`), ua: text }).map(({ customerId, ua }) => ({
    type: 'privacy.do-not-sell.v1',
    data: {
      requestId: randomUUID(),
      subjects: { customerId },
      method: 'api',
      gpc: false,
      combinedForm: false,
    },
    evidence: { userAgent: ua },
  })),
  fc.record({ e: identifier(email), code: text }).map(({ e, code }) => ({
    type: 'email.bounce.v1',
    data: { email: e, bounceType: 'Permanent', diagnosticCode: code },
  })),
);

describe('listRefusal (issue 10 item 9)', () => {
  it('refuses an event exactly when apply() cannot take it', async () => {
    await fc.assert(
      fc.asyncProperty(event, async (partial) => {
        const e = { id: randomUUID(), occurredAt: new Date().toISOString(), source: 'test', ...partial };
        const refusal = listRefusal(t.ctx, e);
        // The consumer adds the intent of an inbound text; 'opt-out' writes the most.
        const applied = await apply(t.ctx, [
          (e.type === 'consent.sms-inbound.v1' ? { ...e, intent: 'opt-out' } : e) as never,
        ]).then(
          () => true,
          () => false,
        );
        expect({ refused: refusal !== null, applied }).toEqual({ refused: !applied, applied });
      }),
      { numRuns: 300 },
    );
  });
});
