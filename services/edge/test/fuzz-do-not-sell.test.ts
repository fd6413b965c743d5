// Property-based fuzz of the Do-Not-Sell form and API (issue 10) on real HTTP, real Kafka and the
// real dns-consumer: random fields, identifiers with controls, unicode and huge values, random
// bodies and content types. Never a 5xx, nothing published for a refused request, every accepted
// request's identifiers on the list for sale/share.
import type { CheckQuery } from '@sp/suppression';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSuppressed, anyText, controlChar, freshEmail, freshPhone, fuzzRuns } from './fuzz';
import { published } from './helpers';
import { type Pipeline, startPipeline } from './pipeline';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

/** A value that is valid (tagged, so the check knows what to expect) or anything at all. */
type Maybe = { value: string; valid: boolean } | undefined;
const ident = (fresh: () => string, validWeight = 4): fc.Arbitrary<Maybe> =>
  fc.oneof(
    { weight: validWeight, arbitrary: fc.constant(null).map(() => ({ value: fresh(), valid: true })) },
    { weight: 1, arbitrary: controlChar.map((c) => ({ value: `${fresh()}${c}`, valid: false })) },
    { weight: 1, arbitrary: anyText.map((value) => ({ value, valid: false })) },
    { weight: 2, arbitrary: fc.constant(undefined) },
  );
/** Mostly absent or valid, sometimes anything: so that a fair share of requests is accepted. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: valid },
    { weight: 1, arbitrary: anyText },
  );

const sale = (type: 'email' | 'phone' | 'customer' | 'device', value: string): CheckQuery => ({
  subject: { type, value },
  channel: type === 'phone' ? 'sms' : 'email',
  kind: 'sale_share',
});

describe('Do-Not-Sell fuzz (issue 10)', () => {
  it('the form: never 5xx, publishes exactly the accepted requests, each one on the list', async () => {
    const before = await published(p.edge);
    let accepted = 0;
    const expected: CheckQuery[] = [];
    const statuses = new Map<number, number>();
    const form = fc.record({
      email: ident(() => freshEmail('dns')),
      phone: ident(freshPhone),
      gpc: fc.option(fc.oneof(fc.constant('1'), anyText), { nil: undefined }),
      extra: fc.dictionary(
        anyText.filter((k) => k.length < 50),
        anyText,
        { maxKeys: 3 },
      ),
      secGpc: fc.boolean(),
      encoding: fc.constantFrom('urlencoded', 'urlencoded', 'multipart', 'junk'),
      junk: anyText,
    });
    await fc.assert(
      fc.asyncProperty(form, async (f) => {
        const device = `fuzzdevice${String(accepted).padStart(6, '0')}${Math.random().toString(36).slice(2, 10)}`;
        const fields: Record<string, string> = { ...f.extra };
        if (f.email) fields.email = f.email.value;
        if (f.phone) fields.phone = f.phone.value;
        if (f.gpc !== undefined) fields.gpc = f.gpc;
        let init: RequestInit;
        if (f.encoding === 'multipart') {
          const fd = new FormData();
          for (const [k, v] of Object.entries(fields)) fd.append(k, v);
          init = { body: fd };
        } else if (f.encoding === 'urlencoded') {
          init = {
            body: new URLSearchParams(fields).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          };
        } else {
          init = { body: f.junk, headers: { 'content-type': 'text/plain' } };
        }
        const res = await fetch(`${p.edge.url}/privacy/do-not-sell`, {
          method: 'POST',
          ...init,
          headers: {
            ...(init.headers as Record<string, string>),
            cookie: `sp_did=${device}`,
            ...(f.secGpc ? { 'sec-gpc': '1' } : {}),
          },
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect([200, 400, 413, 415]).toContain(res.status);
        if (res.status !== 200) return;
        accepted++;
        expected.push(sale('device', device));
        const email = fields.email?.trim();
        const phone = fields.phone?.trim();
        if (email) expected.push(sale('email', email));
        if (phone) expected.push(sale('phone', phone));
      }),
      { numRuns: fuzzRuns(400) },
    );
    const after = await published(p.edge);
    expect(after.doNotSell - before.doNotSell).toBe(accepted);
    expect(accepted).toBeGreaterThan(0);
    await allSuppressed(p.list, expected);
    console.info(`do-not-sell form fuzz: ${JSON.stringify(Object.fromEntries(statuses))}`);
  });

  it('the API: never 5xx, publishes exactly the accepted requests, each one on the list', async () => {
    const before = await published(p.edge);
    let accepted = 0;
    const expected: CheckQuery[] = [];
    const statuses = new Map<number, number>();
    const request = fc.record({
      email: ident(() => freshEmail('api'), 8),
      phone: ident(freshPhone, 8),
      customerId: ident(() => `cust-${freshEmail('c')}`, 8),
      deviceId: ident(() => `dev-${freshEmail('d')}`, 8),
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('phone', 'email', 'authorized-agent', 'api') },
        { weight: 1, arbitrary: anyText },
      ),
      agent: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 3, arbitrary: fc.constant({ name: 'Privacy Agents LLC', permissionRef: 'poa-2026-001' }) },
        { weight: 1, arbitrary: fc.record({ name: anyText, permissionRef: anyText }) },
      ),
      requestId: mostly(fc.constant(null).map(() => `req-${freshEmail('r')}`)),
      combinedForm: mostly(fc.boolean()),
      minor: fc.option(fc.boolean(), { nil: undefined }),
      occurredAt: mostly(fc.constant(null).map(() => new Date().toISOString())),
      raw: fc.oneof(
        { weight: 10, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: anyText },
        { weight: 1, arbitrary: fc.json() },
      ),
      auth: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'wrong', 'none'),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const subjects: Record<string, string> = {};
        for (const k of ['email', 'phone', 'customerId', 'deviceId'] as const) {
          const v = r[k];
          if (v) subjects[k] = v.value;
        }
        const payload = {
          subjects,
          method: r.method,
          ...(r.agent ? { agent: r.agent } : {}),
          ...(r.requestId !== undefined ? { requestId: r.requestId } : {}),
          ...(r.combinedForm !== undefined ? { combinedForm: r.combinedForm } : {}),
          ...(r.minor !== undefined ? { minor: r.minor } : {}),
          ...(r.occurredAt !== undefined ? { occurredAt: r.occurredAt } : {}),
        };
        const token =
          r.auth === 'ok'
            ? p.edge.dnsApiToken
            : r.auth === 'wrong'
              ? 'x'.repeat(p.edge.dnsApiToken.length)
              : '';
        const res = await fetch(`${p.edge.url}/v1/privacy/do-not-sell`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: r.raw !== undefined ? r.raw : JSON.stringify(payload),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect([202, 400, 401, 413]).toContain(res.status);
        if (res.status !== 202) return;
        expect(r.auth).toBe('ok');
        accepted++;
        if (r.raw !== undefined) return; // a random JSON document that happened to be a request
        const types = { email: 'email', phone: 'phone', customerId: 'customer', deviceId: 'device' } as const;
        for (const [k, v] of Object.entries(subjects)) expected.push(sale(types[k as keyof typeof types], v));
      }),
      { numRuns: fuzzRuns(600) },
    );
    const after = await published(p.edge);
    expect(after.doNotSell - before.doNotSell).toBe(accepted);
    expect(accepted).toBeGreaterThan(0);
    await allSuppressed(p.list, expected);
    console.info(`do-not-sell API fuzz: ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
