// Issue 16 acceptance: partner registry, suppression files (plain, keyed, delta, gzip, ETag), scrub,
// seeds; on real PostgreSQL over real HTTP (answers validated against the OpenAPI document).
import { createHash, createHmac } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { checkMany, eraseAddress, partnerByToken, partnerFile } from '@sp/suppression';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAction } from '../src/admin';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

let api: TestApi;
beforeAll(async () => {
  // No delta overlap here, so a delta can be compared exactly (the overlap is checked on its own below).
  api = await startTestApi({ PARTNER_SCRUB_PER_MINUTE: '3', PARTNER_DELTA_OVERLAP_MS: '0' });
});
afterAll(async () => {
  await api?.close();
});

const md5 = (s: string) => createHash('md5').update(s.toLowerCase()).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s.toLowerCase()).digest('hex');

async function newPartner(body: Record<string, unknown>) {
  const r = await api.call('POST', '/v1/partners', {
    token: api.tokens.admin,
    json: { name: 'Affiliate', contact: 'ops@affiliate.example', ...body },
  });
  expect(r.status).toBe(201);
  return r.body as {
    partner: { id: string };
    token: string;
    hmacKey: string | null;
    seeds: string[];
  };
}

async function file(token: string, query = '') {
  const r = await api.call('GET', `/v1/partner/suppression-file${query}`, { token });
  expect(r.status).toBe(200);
  return {
    lines: new Set(String(r.text).split('\n').filter(Boolean)),
    watermark: '',
    text: r.text as string,
  };
}

async function fileWithHeaders(token: string, query = '', headers: Record<string, string> = {}) {
  const res = await fetch(`${api.url}/v1/partner/suppression-file${query}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

describe('partner registry and tokens', () => {
  it('issues a partner token that reads only partner routes, and refuses other tokens there', async () => {
    const p = await newPartner({ hashFormat: 'md5', seeds: 0 });
    expect((await api.call('GET', '/v1/stats', { token: p.token })).status).toBe(401);
    expect((await api.call('GET', '/v1/partner/suppression-file', { token: api.tokens.check })).status).toBe(
      403,
    );
    expect((await api.call('GET', '/v1/partner/suppression-file', { token: null })).status).toBe(401);
    const list = await api.call('GET', '/v1/partners', { token: api.tokens.admin });
    expect(list.body.partners.map((x: { id: string }) => x.id)).toContain(p.partner.id);
  });
});

describe('suppression file (issue 16)', () => {
  it("R-EM-8: holds exactly the hashes of the subjects suppressed for the partner's topics, its own seeds and no other partner's (property)", async () => {
    const a = await newPartner({ hashFormat: 'md5', topics: ['offer-x'], seeds: 2 });
    const b = await newPartner({ hashFormat: 'sha256', topics: ['*'], seeds: 2 });
    const action = fc.record({
      who: fc.nat({ max: 5 }),
      action: fc.constantFrom('suppress' as const, 'lift' as const),
      channel: fc.constantFrom('email' as const, 'any' as const),
      purpose: fc.constantFrom('marketing' as const, 'all' as const),
      topic: fc.constantFrom('offer-x', 'offer-y', '*'),
      minute: fc.nat({ max: 10_000 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 20 }), async (history) => {
        const emails = Array.from({ length: 6 }, () => uniqueEmail('prop'));
        for (const [i, h] of history.entries()) {
          // Files half-way store the partners' hashes of what is suppressed by then: the final
          // files read those stored hashes for subjects whose state changed since.
          if (i === Math.floor(history.length / 2)) await Promise.all([file(a.token), file(b.token)]);
          await adminAction(
            api.ctx,
            h.action,
            {
              email: emails[h.who]!,
              channel: h.channel,
              purpose: h.purpose,
              topic: h.topic,
              actor: 'prop',
              reason: 'random history',
            },
            new Date(Date.UTC(2026, 0, 1) + h.minute * 60_000),
          );
        }
        const expectFor = async (topic: string) =>
          (
            await checkMany(
              api.ctx,
              emails.map((e) => ({
                subject: { type: 'email' as const, value: e },
                channel: 'email' as const,
                kind: 'marketing' as const,
                ...(topic === '*' ? {} : { topic }),
              })),
            )
          ).map((r) => !r.allowed);
        const [refusedX, refusedAll] = [await expectFor('offer-x'), await expectFor('*')];
        const fa = await file(a.token);
        const fb = await file(b.token);
        emails.forEach((e, i) => {
          expect(fa.lines.has(md5(e))).toBe(refusedX[i]);
          expect(fb.lines.has(sha256(e))).toBe(refusedAll[i]);
        });
        for (const s of a.seeds) {
          expect(fa.lines.has(md5(s))).toBe(true);
          expect(fb.lines.has(sha256(s))).toBe(false);
        }
        for (const s of b.seeds) {
          expect(fb.lines.has(sha256(s))).toBe(true);
          expect(fa.lines.has(md5(s))).toBe(false);
        }
        // Nothing readable in the file: every line is a hash.
        expect([...fa.lines].every((l) => /^[0-9a-f]{32}$/.test(l))).toBe(true);
      }),
      { numRuns: 8 },
    );
  });

  it("keyed files differ between partners for the same address, and match the partner's own HMAC", async () => {
    const p1 = await newPartner({ hashFormat: 'hmac-sha256', seeds: 0 });
    const p2 = await newPartner({ hashFormat: 'hmac-sha256', seeds: 0 });
    const email = uniqueEmail('keyed');
    await adminAction(
      api.ctx,
      'suppress',
      { email, channel: 'email', purpose: 'marketing', topic: '*', actor: 't', reason: 'opt-out' },
      new Date(),
    );
    const h1 = createHmac('sha256', Buffer.from(p1.hmacKey!, 'base64')).update(email).digest('hex');
    const h2 = createHmac('sha256', Buffer.from(p2.hmacKey!, 'base64')).update(email).digest('hex');
    expect(h1).not.toBe(h2);
    const f1 = await file(p1.token);
    const f2 = await file(p2.token);
    expect(f1.lines.has(h1)).toBe(true);
    expect(f2.lines.has(h2)).toBe(true);
    expect(f1.lines.has(h2) || f2.lines.has(h1)).toBe(false);
    expect(f1.lines.has(md5(email)) || f1.lines.has(sha256(email))).toBe(false);
  });

  it('R-EM-8: a delta since the previous watermark holds exactly the additions; ETag answers 304; downloads are recorded and clear the stale flag', async () => {
    const p = await newPartner({ hashFormat: 'md5', seeds: 1 });
    const before = await api.call('GET', '/v1/stats', { token: api.tokens.check });
    expect(before.body.partners.stale).toContain(p.partner.id);
    const old = uniqueEmail('old');
    await adminAction(
      api.ctx,
      'suppress',
      { email: old, channel: 'email', purpose: 'marketing', topic: '*', actor: 't', reason: 'x' },
      new Date(),
    );
    const first = await fileWithHeaders(p.token);
    expect(first.res.status).toBe(200);
    const watermark = first.res.headers.get('x-watermark')!;
    const etag = first.res.headers.get('etag')!;
    expect(watermark).toMatch(/^\d+$/);
    const again = await fileWithHeaders(p.token, '', { 'if-none-match': etag });
    expect(again.res.status).toBe(304);

    const added = Array.from({ length: 5 }, () => uniqueEmail('new'));
    for (const email of added) {
      await adminAction(
        api.ctx,
        'suppress',
        { email, channel: 'email', purpose: 'marketing', topic: '*', actor: 't', reason: 'x' },
        new Date(),
      );
    }
    // A lift is not an addition: the lifted address leaves the full file and is not in the delta.
    await adminAction(
      api.ctx,
      'lift',
      { email: old, channel: 'email', purpose: 'marketing', topic: '*', actor: 't', reason: 'resubscribed' },
      new Date(Date.now() + 1000),
    );
    const delta = await file(p.token, `?since=${watermark}`);
    expect(delta.lines).toEqual(new Set(added.map(md5)));
    // With the default overlap, a delta may repeat lines of the previous file, never miss an addition.
    const auth = (await partnerByToken(api.ctx, p.token))!;
    let overlapped = '';
    for await (const chunk of partnerFile(api.ctx, auth, { since: watermark, sinceOverlapMs: 120_000 }))
      overlapped += chunk;
    const previous = new Set(first.body.toString('utf8').split('\n').filter(Boolean));
    const lines = new Set(overlapped.split('\n').filter(Boolean));
    for (const h of added.map(md5)) expect(lines.has(h)).toBe(true);
    for (const h of lines) expect(added.map(md5).includes(h) || previous.has(h)).toBe(true);
    expect(lines.has(md5(old))).toBe(false);
    const full = await file(p.token);
    expect(full.lines.has(md5(old))).toBe(false);
    for (const e of added) expect(full.lines.has(md5(e))).toBe(true);

    const gz = await fileWithHeaders(p.token, '?gzip=1');
    expect(gz.res.headers.get('content-type')).toContain('application/gzip');
    expect(new Set(gunzipSync(gz.body).toString('utf8').split('\n').filter(Boolean))).toEqual(full.lines);

    const log = await api.handle.sql.query<{ kind: string; since: string | null; rows: number }>(
      'select kind, since, rows from partner_access where partner_id = $1 order by id',
      [p.partner.id],
    );
    expect(log.map((r) => r.kind)).toEqual(['file', 'file', 'delta', 'file', 'file']);
    expect(log[2]).toMatchObject({ since: watermark, rows: 5 });
    const after = await api.call('GET', '/v1/stats', { token: api.tokens.check });
    expect(after.body.partners.stale).not.toContain(p.partner.id);
  });
});

describe('erasure and the file (issue 16)', () => {
  it("an erasure changes the ETag and keeps the erased subjects in existing partners' files; a partner registered after it cannot hash them", async () => {
    const p = await newPartner({ hashFormat: 'md5', seeds: 0 });
    const witness = await newPartner({ hashFormat: 'sha256', seeds: 0 });
    const [kept, inFile, neverInFile] = [uniqueEmail('kept'), uniqueEmail('e1'), uniqueEmail('e2')];
    const suppress = (email: string) =>
      adminAction(
        api.ctx,
        'suppress',
        { email, channel: 'email', purpose: 'marketing', topic: '*', actor: 't', reason: 'x' },
        new Date(),
      );
    await suppress(kept);
    await suppress(inFile);
    const first = await file(p.token);
    expect(first.lines.has(md5(kept)) && first.lines.has(md5(inFile))).toBe(true);
    // Suppressed, then erased before p ever downloads again: p never hashed it from a file.
    await suppress(neverInFile);
    const before = await fileWithHeaders(witness.token);
    const etag = before.res.headers.get('etag')!;

    await eraseAddress(api.ctx, { type: 'email', value: inFile });
    await eraseAddress(api.ctx, { type: 'email', value: neverInFile });
    const after = await fileWithHeaders(witness.token, '', { 'if-none-match': etag });
    expect(after.res.status).toBe(200);
    expect(after.res.headers.get('etag')).not.toBe(etag);
    // The opt-outs keep reaching the partner: its hashes were kept when the readable copies went.
    const now = await file(p.token);
    for (const e of [kept, inFile, neverInFile]) expect(now.lines.has(md5(e))).toBe(true);

    const late = await newPartner({ hashFormat: 'md5', seeds: 0 });
    const lateFile = await file(late.token);
    expect(lateFile.lines.has(md5(kept))).toBe(true);
    expect(lateFile.lines.has(md5(inFile)) || lateFile.lines.has(md5(neverInFile))).toBe(false);
  });
});

describe('scrub (issue 16)', () => {
  it('of 10,000 hashes with 500 suppressed returns exactly those 500, and limits size and rate', async () => {
    const p = await newPartner({ hashFormat: 'sha256', seeds: 0 });
    const emails = Array.from({ length: 10_000 }, () => uniqueEmail('scrub'));
    const suppressed = emails.filter((_, i) => i % 20 === 7);
    expect(suppressed).toHaveLength(500);
    const csv = suppressed.map((e) => `${e},email,marketing,*,opt-out`).join('\n');
    const imp = await api.call('POST', '/v1/import', { token: api.tokens.admin, text: csv });
    expect(imp.status).toBe(200);
    const r = await api.call('POST', '/v1/partner/scrub', {
      token: p.token,
      json: { hashes: emails.map(sha256) },
    });
    expect(r.status).toBe(200);
    expect(new Set(r.body.remove)).toEqual(new Set(suppressed.map(sha256)));
    expect(r.body.remove).toHaveLength(500);
    const big = await api.call('POST', '/v1/partner/scrub', {
      token: p.token,
      json: { hashes: Array.from({ length: 50_001 }, () => sha256('x')) },
    });
    expect(big.status).toBe(413);
    const third = await api.call('POST', '/v1/partner/scrub', {
      token: p.token,
      json: { hashes: [md5('a')] },
    });
    expect(third.status).toBe(200);
    const limited = await api.call('POST', '/v1/partner/scrub', {
      token: p.token,
      json: { hashes: [md5('a')] },
    });
    expect(limited.status).toBe(429);
    const log = await api.handle.sql.query<{ kind: string; rows: number; received: number }>(
      'select kind, rows, received from partner_access where partner_id = $1 order by id',
      [p.partner.id],
    );
    expect(log[0]).toMatchObject({ kind: 'scrub', rows: 500, received: 10_000 });
  });
});

describe('scrub after earlier passes (issue 16)', () => {
  it('finds what was suppressed since the partner was last hashed, and no longer removes what was lifted', async () => {
    const p = await newPartner({ hashFormat: 'sha256', seeds: 0 });
    const [a, b] = [uniqueEmail('scrub-a'), uniqueEmail('scrub-b')];
    const act = (action: 'suppress' | 'lift', email: string, at: Date) =>
      adminAction(
        api.ctx,
        action,
        { email, channel: 'email', purpose: 'marketing', topic: '*', actor: 't', reason: 'x' },
        at,
      );
    await act('suppress', a, new Date());
    const scrub = async () => {
      const r = await api.call('POST', '/v1/partner/scrub', {
        token: p.token,
        json: { hashes: [a, b].map(sha256) },
      });
      expect(r.status).toBe(200);
      return r.body.remove as string[];
    };
    expect(await scrub()).toEqual([sha256(a)]);
    await act('suppress', b, new Date());
    await act('lift', a, new Date(Date.now() + 1000));
    expect(await scrub()).toEqual([sha256(b)]);
  });
});

describe('seeds (issue 16)', () => {
  it('are never mailable by our senders, not even transactional mail', async () => {
    const p = await newPartner({ hashFormat: 'md5', seeds: 2 });
    expect(p.seeds[0]).toMatch(
      new RegExp(`^s-${p.partner.id}-[0-9a-f]{12}-[0-9a-f]{16}@seeds\\.unsub\\.shop\\.example$`),
    );
    const r = await checkMany(
      api.ctx,
      p.seeds.map((s) => ({
        subject: { type: 'email' as const, value: s },
        channel: 'email' as const,
        kind: 'transactional' as const,
      })),
    );
    expect(r.every((x) => !x.allowed)).toBe(true);
  });

  it('an operator-reported seed hit flags the partner the seed names, and only that partner', async () => {
    const a = await newPartner({ hashFormat: 'md5', seeds: 1 });
    const b = await newPartner({ hashFormat: 'md5', seeds: 1 });
    const r = await api.call('POST', '/v1/partners/seed-hits', {
      token: api.tokens.admin,
      json: { seed: a.seeds[0], messageId: '<blast-1@affiliate.example>' },
    });
    expect(r.status).toBe(201);
    expect(r.body.partnerId).toBe(a.partner.id);
    const stats = await api.call('GET', '/v1/stats', { token: api.tokens.check });
    expect(stats.body.partners.flagged).toContain(a.partner.id);
    expect(stats.body.partners.flagged).not.toContain(b.partner.id);
    const metrics = await api.call('GET', '/metrics', { token: null });
    expect(metrics.text).toMatch(/partners_seed_hit\{[^}]*\} [1-9]/);
    expect(metrics.text).toMatch(/partners_stale\{[^}]*\} [1-9]/);
    const bad = await api.call('POST', '/v1/partners/seed-hits', {
      token: api.tokens.admin,
      json: { seed: 'someone@example.com' },
    });
    expect(bad.status).toBe(400);
  });
});
