// Issue 15: identifiers in events are sealed with per-subject data keys (real PostgreSQL); an
// erasure shreds the key and no copy opens any more; rotation of the master key keeps old keys.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataKeyring, openEvents, sealEvents } from '../src/index';
import { email, openTestDb, phone, type TestDb } from './helpers';

const master = (id: string) => ({ [id]: randomBytes(32).toString('base64') });

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.close();
});

const optOut = (address: string) => ({
  id: randomUUID(),
  type: 'consent.email-optout.v1',
  occurredAt: new Date().toISOString(),
  source: 'test',
  data: { email: address, method: 'one-click', topic: 'news' },
});

describe('sealed events', () => {
  it('seals every identifier field and opens it back to the same event', async () => {
    const ring = createDataKeyring(t.h.db, { currentKeyId: 'm1', keys: master('m1') });
    const s = { ring, keyer: t.ctx.keyer, defaultRegion: 'US' };
    const a = email('seal');
    const p = phone();
    const dns = {
      id: randomUUID(),
      type: 'privacy.do-not-sell.v1',
      occurredAt: new Date().toISOString(),
      source: 'test',
      data: {
        requestId: 'r1',
        subjects: { email: a, phone: p, customerId: 'cust-77' },
        method: 'web-form',
        gpc: false,
        combinedForm: true,
      },
    };
    const bounce = {
      id: randomUUID(),
      type: 'email.bounce.v1',
      occurredAt: new Date().toISOString(),
      source: 'test',
      data: { email: a, bounceType: 'Permanent', diagnosticCode: `550 5.1.1 <${a}>: no such user` },
    };
    const plain = [optOut(a), dns, bounce, { unrelated: true }];
    const sealed = await sealEvents(s, plain);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain(a);
    expect(text).not.toContain(p);
    expect(text).not.toContain('cust-77');
    expect((sealed[1] as { data: { sealed: Record<string, string> } }).data.sealed).toHaveProperty(
      'subjects.phone',
    );
    expect(sealed[3]).toEqual({ unrelated: true });
    const opened = await openEvents(ring, sealed);
    expect(opened.map((o) => (o.ok ? o.value : o.error))).toEqual(plain);
  });

  it('keeps old events readable after the master key rotates', async () => {
    const old = master('m1');
    const ring1 = createDataKeyring(t.h.db, { currentKeyId: 'm1', keys: old });
    const a = email('rot');
    const sealed = await sealEvents({ ring: ring1, keyer: t.ctx.keyer }, [optOut(a)]);
    const ring2 = createDataKeyring(t.h.db, { currentKeyId: 'm2', keys: { ...master('m2'), ...old } });
    const [o] = await openEvents(ring2, sealed);
    expect(o).toMatchObject({ ok: true, value: { data: { email: a } } });
    // A new subject's key is wrapped under the new master; both open with the rotated ring.
    const b = email('rot2');
    const [o2] = await openEvents(ring2, await sealEvents({ ring: ring2, keyer: t.ctx.keyer }, [optOut(b)]));
    expect(o2).toMatchObject({ ok: true, value: { data: { email: b } } });
  });

  it('after the subject key is shredded no sealed copy opens, and a new event gets a new key', async () => {
    const ring = createDataKeyring(t.h.db, { currentKeyId: 'm1', keys: master('m1') });
    const s = { ring, keyer: t.ctx.keyer };
    const a = email('shred');
    const before = await sealEvents(s, [optOut(a)]);
    const key = t.ctx.keyer.keyOf({ type: 'email', value: a.toLowerCase() });
    expect(await ring.shred([key])).toBe(1);
    const [o] = await openEvents(ring, before);
    expect(o).toEqual({ ok: false, error: 'data.sealed.email: data key erased or unknown' });
    const after = await sealEvents(s, [optOut(a)]);
    const [o2] = await openEvents(ring, after);
    expect(o2).toMatchObject({ ok: true, value: { data: { email: a } } });
  });

  it('refuses a sealed value moved to another field or altered', async () => {
    const ring = createDataKeyring(t.h.db, { currentKeyId: 'm1', keys: master('m1') });
    const a = email('tamper');
    const [sealed] = (await sealEvents({ ring, keyer: t.ctx.keyer }, [optOut(a)])) as [
      { data: { sealed: Record<string, string> } },
    ];
    const moved = { ...sealed, data: { ...sealed.data, sealed: { topic: sealed.data.sealed.email! } } };
    const [o] = await openEvents(ring, [moved]);
    expect(o).toEqual({ ok: false, error: 'data.sealed.topic: cannot open' });
  });
});
