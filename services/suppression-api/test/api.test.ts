// Acceptance of the internal API on real PostgreSQL over real HTTP on loopback. Every answer is
// also validated against the OpenAPI document by the harness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const add = (body: Record<string, unknown>) =>
  api.call('POST', '/v1/entries', {
    token: api.tokens.admin,
    json: { actor: 'ops@shop', reason: 'test', ...body },
  });
const lift = (body: Record<string, unknown>) =>
  api.call('POST', '/v1/entries/lift', {
    token: api.tokens.admin,
    json: { actor: 'ops@shop', reason: 'test', ...body },
  });
const check = (body: Record<string, unknown>) =>
  api.call('POST', '/v1/check', { token: api.tokens.check, json: body });

describe('auth: bearer tokens with scopes', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    const none = await api.call('POST', '/v1/check', {
      token: null,
      json: { email: uniqueEmail(), channel: 'email', kind: 'marketing' },
    });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('unauthorized');
    const unknown = await api.call('GET', '/v1/stats', { token: 'not-a-token-of-ours-at-all' });
    expect(unknown.status).toBe(401);
  });

  it('answers 403 to a check-scoped token on an admin route, and to an admin-only token on a check route', async () => {
    const r = await api.call('POST', '/v1/entries', {
      token: api.tokens.check,
      json: { email: uniqueEmail(), channel: 'email', purpose: 'marketing', actor: 'x', reason: 'y' },
    });
    expect(r.status).toBe(403);
    expect(r.body.message).toContain("'admin'");
    const h = await api.call('GET', `/v1/history?email=${encodeURIComponent(uniqueEmail())}`, {
      token: api.tokens.check,
    });
    expect(h.status).toBe(403);
    const c = await api.call('POST', '/v1/check', {
      token: api.tokens.admin,
      json: { email: uniqueEmail(), channel: 'email', kind: 'marketing' },
    });
    expect(c.status).toBe(403);
  });

  it('lets the probes, metrics and the document through without a token', async () => {
    expect((await api.call('GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' });
    const ready = await api.call('GET', '/readyz', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ db: true });
    const metrics = await api.call('GET', '/metrics', { token: null });
    expect(metrics.text).toContain('api_requests_total');
  });
});

describe('check', () => {
  it('allows a subject the list does not know, with no reasons', async () => {
    const r = await check({ email: uniqueEmail(), channel: 'email', kind: 'marketing' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ allowed: true, reasons: [] });
    expect(r.body.subjectKey).toMatch(/\S{16,}/);
  });

  it('refuses marketing to an opted-out address with the reason, and answers transactional for the kind asked (R-EM-5)', async () => {
    const email = uniqueEmail();
    await add({ email, channel: 'email', purpose: 'marketing', topic: '*', reason: 'asked by phone' });
    const m = await check({
      email: email.toUpperCase(),
      channel: 'email',
      kind: 'marketing',
      topic: 'deals',
    });
    expect(m.body.allowed).toBe(false);
    expect(m.body.reasons).toHaveLength(1);
    expect(m.body.reasons[0]).toMatchObject({
      reason: 'admin',
      channel: 'email',
      purpose: 'marketing',
      topic: '*',
    });
    expect(m.body.reasons[0].detail).toMatchObject({
      actor: api.tokenNames.admin,
      actorName: 'ops@shop',
      reason: 'asked by phone',
    });
    // A marketing opt-out does not block a (sender-registered) transactional message.
    const t = await check({ email, channel: 'email', kind: 'transactional' });
    expect(t.body).toMatchObject({ allowed: true, reasons: [] });
  });

  it('answers 400 naming the field for a bad body, and for an address that does not parse', async () => {
    const r = await check({ channel: 'email', kind: 'marketing' });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('exactly one of email, phone or id');
    const bad = await check({ email: 'not an address', channel: 'email', kind: 'marketing' });
    expect(bad.status).toBe(400);
    const kind = await check({ email: uniqueEmail(), channel: 'email', kind: 'newsletter' });
    expect(kind.status).toBe(400);
    expect(kind.body.details[0].path).toBe('body.kind');
  });
});

describe('unreadable bodies (issue 10 item 6, R-OC-4: never a 5xx for bad input)', () => {
  it('answer 400, 413 or 415 with a reason on every body route, and import nothing from a body in another charset', async () => {
    const admin = api.tokens.both;
    const latin = uniqueEmail('latin');
    const cases: [string, string, string, number, string][] = [
      ['/v1/check', 'multipart/form-data; boundary=xyz', '--xyz\r\ngarbage', 415, 'unsupported_media_type'],
      ['/v1/check', 'application/json', '{"email":', 400, 'invalid_request'],
      ['/v1/check', 'application/json', '', 400, 'invalid_request'],
      ['/v1/check', 'application/json', '{"__proto__":{"x":1}}', 400, 'invalid_request'],
      ['/v1/check', 'application/xml', '<check/>', 415, 'unsupported_media_type'],
      ['/v1/check', 'application/json; charset=utf-16le', '{}', 415, 'unsupported_media_type'],
      ['/v1/check', 'application/json', 'x'.repeat(1024 * 1024 + 1), 413, 'too_large'],
      ['/v1/entries', 'application/json; charset=utf-16', '{}', 415, 'unsupported_media_type'],
      [
        '/v1/import?actor=tester',
        'text/csv; charset=iso-8859-1',
        `${latin},email,marketing,*,x`,
        415,
        'unsupported_media_type',
      ],
      ['/v1/import?actor=tester', 'text/csv', '', 200, ''],
    ];
    const seen: string[] = [];
    for (const [path, contentType, text, status, error] of cases) {
      const r = await api.call('POST', path, { token: admin, text, contentType });
      seen.push(
        `${path} ${contentType}: ${r.status} ${status === 200 || (r.body.error === error && r.body.message.length > 0)}`,
      );
    }
    expect(seen).toEqual(
      cases.map(([path, contentType, , status]) => `${path} ${contentType}: ${status} true`),
    );
  });
});

describe('batch check', () => {
  it('answers every query in order in one call', async () => {
    const blocked = uniqueEmail('blocked');
    await add({ email: blocked, channel: 'email', purpose: 'marketing' });
    await add({ phone: '+1 415 555 01 77', channel: 'sms', purpose: 'all', reason: 'STOP by phone call' });
    const r = await api.call('POST', '/v1/check/batch', {
      token: api.tokens.check,
      json: {
        queries: [
          { email: uniqueEmail(), channel: 'email', kind: 'marketing' },
          { email: blocked, channel: 'email', kind: 'marketing' },
          { phone: '(415) 555-0177', channel: 'sms', kind: 'transactional' },
          { id: 'cust-never-seen', channel: 'email', kind: 'sale_share' },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { allowed: boolean }) => x.allowed)).toEqual([true, false, false, true]);
    expect(r.body.results[2].reasons[0]).toMatchObject({ channel: 'sms', purpose: 'all' });
  });

  it('names every identifier of a batch that does not parse', async () => {
    const r = await api.call('POST', '/v1/check/batch', {
      token: api.tokens.check,
      json: {
        queries: [
          { email: uniqueEmail(), channel: 'email', kind: 'marketing' },
          { email: 'nobody-at-example', channel: 'email', kind: 'marketing' },
          { phone: '12', channel: 'sms', kind: 'marketing' },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { path: string }) => d.path)).toEqual([
      'body.queries.1.email',
      'body.queries.2.phone',
    ]);
  });

  it('refuses more than 10,000 queries with 413 and an empty batch with 400', async () => {
    const q = { email: 'a@example.com', channel: 'email', kind: 'marketing' };
    const big = await api.call('POST', '/v1/check/batch', {
      token: api.tokens.check,
      json: { queries: Array.from({ length: 10_001 }, () => q) },
    });
    expect(big.status).toBe(413);
    expect(big.body.message).toContain('10000');
    const empty = await api.call('POST', '/v1/check/batch', {
      token: api.tokens.check,
      json: { queries: [] },
    });
    expect(empty.status).toBe(400);
  });

  it('answers a full batch of 10,000', async () => {
    const queries = Array.from({ length: 10_000 }, (_, i) => ({
      email: `batch${i}@example.org`,
      channel: 'email',
      kind: 'marketing',
    }));
    const r = await api.call('POST', '/v1/check/batch', { token: api.tokens.check, json: { queries } });
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(10_000);
  });
});

describe('admin add and lift, history', () => {
  it('records both in the ledger with actor and reason; the lift reopens the scope', async () => {
    const email = uniqueEmail();
    const a = await add({
      email,
      channel: 'email',
      purpose: 'marketing',
      topic: 'deals',
      reason: 'customer called',
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ action: 'suppress', applied: true });
    expect(a.body.changes).toEqual([
      { channel: 'email', purpose: 'marketing', topic: 'deals', suppressed: true, reason: 'admin' },
    ]);
    expect((await check({ email, channel: 'email', kind: 'marketing', topic: 'deals' })).body.allowed).toBe(
      false,
    );
    expect((await check({ email, channel: 'email', kind: 'marketing', topic: 'news' })).body.allowed).toBe(
      true,
    );

    const l = await lift({
      email,
      channel: 'email',
      purpose: 'marketing',
      topic: 'deals',
      reason: 'added by mistake',
    });
    expect(l.status).toBe(201);
    expect(l.body.changes[0]).toMatchObject({ suppressed: false, reason: 'admin-lift' });
    expect((await check({ email, channel: 'email', kind: 'marketing', topic: 'deals' })).body.allowed).toBe(
      true,
    );

    const h = await api.call('GET', `/v1/history?email=${encodeURIComponent(email)}`, {
      token: api.tokens.admin,
    });
    expect(h.status).toBe(200);
    expect(h.body.subjectKey).toBe(a.body.subjectKey);
    expect(h.body.entries.map((e: { eventId: string }) => e.eventId)).toEqual([
      a.body.eventId,
      l.body.eventId,
    ]);
    expect(h.body.entries[0]).toMatchObject({
      type: 'suppression.admin.v1',
      source: 'suppression-api/admin',
    });
    expect(h.body.entries[0].payload.data).toMatchObject({
      actor: api.tokenNames.admin,
      actorName: 'ops@shop',
      reason: 'customer called',
      action: 'suppress',
    });
    expect(h.body.entries[1].payload.data).toMatchObject({ reason: 'added by mistake', action: 'lift' });
    // The ledger keeps keys, never the readable address.
    expect(h.text).not.toContain(email);
  });

  it('needs a reason (the actor is optional: the token names who did it)', async () => {
    const r = await api.call('POST', '/v1/entries', {
      token: api.tokens.admin,
      json: { email: uniqueEmail(), channel: 'email', purpose: 'marketing' },
    });
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { path: string }) => d.path)).toEqual(['body.reason']);
  });

  it('answers an empty history for a subject the list never saw', async () => {
    const h = await api.call('GET', '/v1/history?phone=%2B14155550100', { token: api.tokens.admin });
    expect(h.body.entries).toEqual([]);
  });
});

describe('listing', () => {
  it('pages through active entries with a cursor; addresses only for admin tokens', async () => {
    const emails = [uniqueEmail('list'), uniqueEmail('list'), uniqueEmail('list')];
    for (const email of emails)
      await add({ email, channel: 'email', purpose: 'all', reason: 'hard bounce by hand' });
    const keys = new Set<string>();
    const addresses = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/v1/entries?limit=2&channel=email&purpose=all${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await api.call('GET', q, { token: api.tokens.both });
      expect(r.status).toBe(200);
      expect(r.body.entries.length).toBeLessThanOrEqual(2);
      for (const e of r.body.entries) {
        expect(e).toMatchObject({
          channel: 'email',
          purpose: 'all',
          topic: '*',
          reason: 'admin',
          subjectType: 'email',
        });
        keys.add(e.subjectKey);
        if (e.address) addresses.add(e.address);
      }
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (const email of emails) expect(addresses.has(email)).toBe(true);

    const asCheck = await api.call('GET', '/v1/entries?limit=1000&channel=email&purpose=all', {
      token: api.tokens.check,
    });
    expect(asCheck.body.entries).toHaveLength(keys.size);
    for (const e of asCheck.body.entries) expect(e).not.toHaveProperty('address');
    expect(asCheck.text).not.toContain(emails[0]);
  });

  it('refuses a cursor it did not make', async () => {
    const r = await api.call('GET', '/v1/entries?cursor=bm90LWEtY3Vyc29y', { token: api.tokens.check });
    expect(r.status).toBe(400);
  });
});

describe('export (R-EM-4: for processors that send on our behalf)', () => {
  it('streams NDJSON and CSV of the active entries, without lifted ones', async () => {
    const kept = uniqueEmail('export');
    const lifted = uniqueEmail('export');
    await add({ email: kept, channel: 'any', purpose: 'sale_share', reason: 'agent request' });
    await add({ email: lifted, channel: 'any', purpose: 'sale_share', reason: 'agent request' });
    await lift({ email: lifted, channel: 'any', purpose: 'sale_share', reason: 'withdrawn' });

    const nd = await api.call('GET', '/v1/export?format=ndjson&purpose=sale_share', {
      token: api.tokens.admin,
    });
    expect(nd.status).toBe(200);
    expect(nd.contentType).toBe('application/x-ndjson');
    const rows = nd.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.address)).toContain(kept);
    expect(rows.map((r) => r.address)).not.toContain(lifted);
    expect(rows.every((r) => r.purpose === 'sale_share')).toBe(true);

    const csv = await api.call('GET', '/v1/export?format=csv&purpose=sale_share', {
      token: api.tokens.admin,
    });
    expect(csv.contentType).toBe('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('subjectKey,subjectType,address,channel,purpose,topic,reason,source,since');
    expect(
      lines.some((l) => l.includes(`,email,${kept},any,sale_share,*,admin,suppression-api/admin,`)),
    ).toBe(true);
    expect(csv.text).not.toContain(lifted);
  });

  it('is an admin operation', async () => {
    expect((await api.call('GET', '/v1/export', { token: api.tokens.check })).status).toBe(403);
  });
});

describe('import over HTTP', () => {
  it('applies good lines, reports bad ones by number, and counts a re-import as duplicates', async () => {
    const a = uniqueEmail('imp');
    const b = uniqueEmail('imp');
    const csv = [
      'identifier,channel,purpose,topic,reason',
      `${a},email,marketing,*,legacy list`,
      'not-an-address,email,marketing,*,legacy list',
      `${b},,,,legacy list`,
      `${a},email,marketing,*,legacy list`,
      '',
      `${b},fax,marketing,*,legacy list`,
      '"unterminated,email',
      `customer:c-${Date.now()},any,sale_share,*,legacy`,
    ].join('\n');
    const r = await api.call('POST', '/v1/import?actor=tester', { token: api.tokens.admin, text: csv });
    expect(r.status).toBe(200);
    // A quote never closed is reported on its line; reading goes on with the next line.
    expect(r.body).toMatchObject({ lines: 9, accepted: 3, duplicates: 1, rejected: 3, skipped: 2 });
    expect(r.body.rejections.map((x: { line: number }) => x.line)).toEqual([3, 7, 8]);
    expect(r.body.rejections[1].reason).toContain("unknown channel 'fax'");
    expect((await check({ email: b, channel: 'email', kind: 'marketing' })).body.allowed).toBe(false);

    const again = await api.call('POST', '/v1/import?actor=tester&firstLine=101', {
      token: api.tokens.admin,
      text: `${a},email,marketing,*,legacy list\n{"email":"x"}\n`,
    });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: 1 });
    expect(again.body.rejections[0].line).toBe(102);
  });

  it('takes NDJSON', async () => {
    const email = uniqueEmail('nd');
    const r = await api.call('POST', '/v1/import', {
      token: api.tokens.admin,
      contentType: 'application/x-ndjson',
      text: `${JSON.stringify({ email, channel: 'email', purpose: 'marketing', topic: 'deals', reason: 'r' })}\n{bad json\n${JSON.stringify({ email })}\n`,
    });
    expect(r.body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(r.body.rejections).toEqual([
      { line: 2, reason: 'not valid JSON' },
      { line: 3, reason: expect.stringContaining('reason') },
    ]);
  });
});

describe('unsubscribe links', () => {
  it('gives the https link of the edge and the mailto of the abuse inbox with the same sealed token', async () => {
    const email = uniqueEmail('links');
    // A link names a topic of the registry (issue 13: topics-api.test.ts has the refusals).
    const deals = await api.call('POST', '/v1/topics', { json: { id: 'deals', names: { en: 'Deals' } } });
    expect(deals.status).toBe(201);
    const r = await api.call('POST', '/v1/unsubscribe-links', {
      token: api.tokens.check,
      json: { email: ` ${email.toUpperCase()} `, topic: 'deals', campaignId: 'spring-sale' },
    });
    expect(r.status).toBe(200);
    const m = /^https:\/\/shop\.example\/u\/([A-Za-z0-9._~-]+)$/.exec(r.body.url);
    expect(m).not.toBeNull();
    expect(r.body.mailto).toBe(`mailto:unsubscribe+${m![1]}@unsub.shop.example`);
    // The token is sealed for the edge and the inbox to open (R-OC-4), carrying the normalized address.
    expect(api.sealer.open(m![1]!)).toMatchObject({ email, topic: 'deals', campaignId: 'spring-sale' });
    expect(r.text).not.toContain(email);
  });
});
