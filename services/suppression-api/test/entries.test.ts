// Issue 14, list API parity: GET /v1/entries filters (reason, source, channel, purpose, topic, when
// the entry took effect), newest first, cursor pages, lookup by address, unknown parameters refused;
// and the bulk lift with its consent rule. Every answer is validated against the OpenAPI document.
import { newEnvelope } from '@sp/contracts';
import { apply, type ListEvent } from '@sp/suppression';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, uniqueEmail } from './harness';

let api: TestApi;
const at = (iso: string) => ({ occurredAt: iso });
const people = {
  oneClick: uniqueEmail('oneclick'),
  bounced: uniqueEmail('bounced'),
  stop: '+14155550177',
  complainer: uniqueEmail('complainer'),
  admin: uniqueEmail('admin'),
};

beforeAll(async () => {
  api = await startTestApi();
  const events = [
    newEnvelope(
      'consent.email-optout.v1',
      'edge',
      { email: people.oneClick, method: 'one-click' },
      at('2026-01-01T10:00:00Z'),
    ),
    newEnvelope(
      'email.bounce.v1',
      'ses-webhook',
      { email: people.bounced, bounceType: 'Permanent' },
      at('2026-02-01T10:00:00Z'),
    ),
    {
      ...newEnvelope(
        'consent.sms-inbound.v1',
        'edge',
        { from: people.stop, to: '+14155550100', body: 'STOP' },
        at('2026-03-01T10:00:00Z'),
      ),
      intent: 'opt-out',
    },
    newEnvelope(
      'abuse.complaint.v1',
      'abuse-inbox',
      { email: people.complainer, kind: 'arf' },
      at('2026-04-01T10:00:00Z'),
    ),
  ] as unknown as ListEvent[];
  await apply(api.ctx, events);
  const added = await api.call('POST', '/v1/entries', {
    json: {
      email: people.admin,
      channel: 'email',
      purpose: 'marketing',
      topic: 'newsletter',
      actor: 'ops',
      reason: 'asked',
    },
  });
  expect(added.status).toBe(201);
});
afterAll(async () => {
  await api?.close();
});

interface Entry {
  subjectKey: string;
  reason: string;
  source: string;
  channel: string;
  purpose: string;
  topic: string;
  since: string;
  address?: string | null;
}

async function list(query: string): Promise<{ entries: Entry[]; nextCursor: string | null }> {
  const r = await api.call('GET', `/v1/entries${query}`);
  expect(r.status, r.text).toBe(200);
  return r.body;
}
const reasons = (entries: Entry[]) => entries.map((e) => e.reason);

describe('GET /v1/entries', () => {
  it('lists newest first by default, oldest first on request', async () => {
    const { entries } = await list('');
    expect(reasons(entries)).toEqual(['admin', 'complaint', 'sms-stop', 'hard-bounce', 'email-optout']);
    const sinces = entries.map((e) => Date.parse(e.since));
    expect([...sinces].sort((a, b) => b - a)).toEqual(sinces);
    expect(reasons((await list('?order=oldest')).entries)).toEqual([
      'email-optout',
      'hard-bounce',
      'sms-stop',
      'complaint',
      'admin',
    ]);
  });

  it('filters by reason, source, channel, purpose and topic', async () => {
    expect(reasons((await list('?reason=email-optout')).entries)).toEqual(['email-optout']);
    expect(reasons((await list('?source=abuse-inbox')).entries)).toEqual(['complaint']);
    expect(reasons((await list('?channel=sms')).entries)).toEqual(['sms-stop']);
    expect(reasons((await list('?purpose=all')).entries)).toEqual(['sms-stop', 'hard-bounce']);
    expect(reasons((await list('?topic=newsletter')).entries)).toEqual(['admin']);
    expect(reasons((await list('?channel=email&purpose=marketing&topic=*')).entries)).toEqual([
      'complaint',
      'email-optout',
    ]);
    expect((await list('?reason=no-such-reason')).entries).toEqual([]);
  });

  it('filters on when the entry took effect: since inclusive, until exclusive', async () => {
    const q = (s: string) =>
      list(`?${new URLSearchParams(s.split('&').map((x) => x.split('=') as [string, string]))}`);
    expect(reasons((await q('since=2026-02-01T10:00:00Z&until=2026-04-01T10:00:00Z')).entries)).toEqual([
      'sms-stop',
      'hard-bounce',
    ]);
    expect(reasons((await q('until=2026-02-01T10:00:00Z')).entries)).toEqual(['email-optout']);
    expect(reasons((await q('since=2026-03-15T00:00:00+02:00&reason=complaint')).entries)).toEqual([
      'complaint',
    ]);
  });

  it('pages with a cursor, keeping the order and the filters, without gaps or repeats', async () => {
    const all = (await list('')).entries;
    const seen: Entry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { entries: Entry[]; nextCursor: string | null } = await list(
        `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.entries);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);

    const first = await list('?purpose=marketing&order=oldest&limit=1');
    const second = await list(
      `?purpose=marketing&order=oldest&limit=5&cursor=${encodeURIComponent(first.nextCursor!)}`,
    );
    expect(reasons([...first.entries, ...second.entries])).toEqual(['email-optout', 'complaint', 'admin']);
  });

  it('looks up one address (readable to an admin token)', async () => {
    const { entries } = await list(`?email=${encodeURIComponent(people.complainer.toUpperCase())}`);
    expect(reasons(entries)).toEqual(['complaint']);
    expect(entries[0]!.address).toBe(people.complainer.toLowerCase());
    const phone = await list(`?phone=${encodeURIComponent('(415) 555-0177')}`);
    expect(reasons(phone.entries)).toEqual(['sms-stop']);
    expect((await list(`?email=${encodeURIComponent(uniqueEmail('nobody'))}`)).entries).toEqual([]);
  });

  it('refuses unknown parameters, bad times and foreign cursors with a 400 naming them', async () => {
    for (const [query, named] of [
      ['?reasons=complaint', /reasons/],
      ['?sinse=2026-01-01T00:00:00Z', /sinse/],
      ['?since=yesterday', /since/],
      ['?order=random', /order/],
      ['?cursor=bm90LWEtY3Vyc29y', /cursor/],
      ['?email=a@example.com&phone=%2B14155550100', /at most one/],
    ] as const) {
      const r = await api.call('GET', `/v1/entries${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.message).toMatch(named);
    }
  });
});

describe('POST /v1/entries/lift', () => {
  const lift = (body: object) => ({ actor: 'ops@shop', reason: 'customer asked', ...body });

  it('lifts many at once, each with its own result, and writes nothing for what it refuses', async () => {
    const fresh = uniqueEmail('fresh');
    const before = await api.call('GET', `/v1/history?email=${encodeURIComponent(fresh)}`);
    const r = await api.call('POST', '/v1/entries/lift', {
      json: {
        lifts: [
          lift({ email: people.admin, channel: 'email', purpose: 'marketing', topic: 'newsletter' }),
          lift({ email: people.oneClick, channel: 'email', purpose: 'marketing' }),
          lift({ phone: people.stop, channel: 'sms', purpose: 'all', consentRef: 'double-opt-in:7f3a' }),
          lift({ email: fresh, channel: 'email', purpose: 'marketing' }),
          lift({ email: people.bounced, channel: 'email', purpose: 'all' }),
          lift({ email: 'not an address', channel: 'email', purpose: 'marketing' }),
          { email: people.complainer, channel: 'email', purpose: 'marketing' },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual([
      'lifted',
      'consent_required',
      'lifted',
      'not_suppressed',
      'lifted',
      'invalid',
      'invalid',
    ]);
    expect(r.body.lifted).toBe(3);
    expect(r.body.results[1].entryReason).toBe('email-optout');
    expect(r.body.results[1].message).toMatch(/consentRef|force/);
    expect(r.body.results[6].message).toMatch(/actor|reason/);

    // What is left: the refused opt-out and the complaint, nothing else.
    expect(reasons((await list('')).entries)).toEqual(['complaint', 'email-optout']);
    // The not-suppressed address got no ledger event.
    const after = await api.call('GET', `/v1/history?email=${encodeURIComponent(fresh)}`);
    expect(after.body.entries).toEqual(before.body.entries);
    // The ledger keeps the proof of consent of the STOP's lift.
    const h = await api.call('GET', `/v1/history?phone=${encodeURIComponent(people.stop)}`);
    expect(h.body.entries.at(-1).payload.data).toMatchObject({
      action: 'lift',
      consentRef: 'double-opt-in:7f3a',
    });
  });

  it('answers one lift with 409 when not suppressed or without consent, and lifts an opt-out with force', async () => {
    const notSuppressed = await api.call('POST', '/v1/entries/lift', {
      json: lift({ email: uniqueEmail('none'), channel: 'email', purpose: 'marketing' }),
    });
    expect(notSuppressed.status).toBe(409);
    expect(notSuppressed.body.error).toBe('not_suppressed');

    const noConsent = await api.call('POST', '/v1/entries/lift', {
      json: lift({ email: people.complainer, channel: 'email', purpose: 'marketing' }),
    });
    expect(noConsent.status).toBe(409);
    expect(noConsent.body.error).toBe('consent_required');
    expect(reasons((await list('?reason=complaint')).entries)).toEqual(['complaint']);

    const forced = await api.call('POST', '/v1/entries/lift', {
      json: lift({
        email: people.complainer,
        channel: 'email',
        purpose: 'marketing',
        force: true,
        reason: 'report was a mistake, confirmed by phone',
      }),
    });
    expect(forced.status).toBe(201);
    expect(forced.body.changes).toEqual([
      { channel: 'email', purpose: 'marketing', topic: '*', suppressed: false, reason: 'admin-lift' },
    ]);
    expect((await list('?reason=complaint')).entries).toEqual([]);
  });

  it('refuses more than 1,000 lifts with a 413', async () => {
    const lifts = Array.from({ length: 1001 }, () =>
      lift({ email: people.oneClick, channel: 'email', purpose: 'marketing' }),
    );
    const r = await api.call('POST', '/v1/entries/lift', { json: { lifts } });
    expect(r.status).toBe(413);
  });
});
