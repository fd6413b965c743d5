// The gate's decision table (R-EM-5, R-SMS-3/4, R-OC-4): every channel x kind of message x state
// of the list, asked through a real ListView (the senders' default checker). "Unreachable" is the
// database itself behind a closed port, "stale" a view that fell behind its bound, "slow" a list
// that does not answer within the gate's time bound. Fail closed: when the list cannot vouch,
// only transactional email goes ahead (marked unchecked); marketing and every text wait.
import { createServer, type Server } from 'node:net';
import { createDb, type DbHandle, isConnectionError } from '@sp/db';
import { createKeyer } from '@sp/identity';
import { ListView, ListViewStale, type StoreEntry } from '@sp/list-view';
import { type CheckQuery, type CheckResult, databaseChecker, type ListChecker } from '@sp/suppression';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, type GateRequest, LIST_UNAVAILABLE, queryOf, type Verdict } from '../src/gate';
import { SMS_SERVICE_CATEGORIES, type TemplateCategory, TRANSACTIONAL_CATEGORIES } from '../src/templates';

const keyer = createKeyer({ peppers: { p1: 'pepper-gate-table-0123456789abcdef0123' }, currentKeyId: 'p1' });
const EMAIL = { type: 'email' as const, value: 'gate-table@example.com' };
const PHONE = { type: 'phone' as const, value: '+14155550123' };
const emailKey = keyer.keyOf(EMAIL);
const phoneKey = keyer.keyOf(PHONE);

function entry(
  subjectKey: string,
  channel: string,
  purpose: string,
  topic = '*',
  suppressed = true,
): StoreEntry {
  return {
    subjectKey,
    channel,
    purpose,
    topic,
    suppressed,
    reason: `${channel}-${purpose}-optout`,
    eventId: `00000000-0000-4000-8000-${(channel + purpose + topic).length.toString().padStart(12, '0')}`,
    source: 'gate-test',
    occurredAt: '2026-01-02T03:04:05.000Z',
    since: '2026-01-02T03:04:05.000Z',
  };
}

/** A real view of the list holding `entries`, caught up at t=1000; `now` moves its clock. */
function viewOf(entries: StoreEntry[], now = { t: 1_000 }): ListView {
  const view = new ListView({ keyer, maxLagMs: 2_000, clock: () => now.t });
  view.ingest(entries);
  view.advance(0, 1n);
  view.observe(new Map([[0, 1n]]), 1_000);
  return view;
}

const request = (channel: 'email' | 'sms', category: TemplateCategory, topic?: string): GateRequest => ({
  channel,
  subject: channel === 'email' ? EMAIL : PHONE,
  subjectKey: channel === 'email' ? emailKey : phoneKey,
  subjectKeys: [channel === 'email' ? emailKey : phoneKey],
  template: { category },
  topic,
});

const EMAIL_KINDS: TemplateCategory[] = ['marketing', ...TRANSACTIONAL_CATEGORIES];
const SMS_KINDS: TemplateCategory[] = ['marketing', ...TRANSACTIONAL_CATEGORIES, ...SMS_SERVICE_CATEGORIES];
const isTransactional = (c: TemplateCategory) => (TRANSACTIONAL_CATEGORIES as readonly string[]).includes(c);
const isSmsService = (c: TemplateCategory) => (SMS_SERVICE_CATEGORIES as readonly string[]).includes(c);

/** The list states that answer, each with what the table expects per channel and category. */
const ANSWERING: {
  state: string;
  entries: StoreEntry[];
  expect: (channel: 'email' | 'sms', c: TemplateCategory) => 'send' | 'suppress';
}[] = [
  { state: 'nothing on the list', entries: [], expect: () => 'send' },
  {
    state: 'email marketing opt-out (unsubscribe from all marketing)',
    entries: [entry(emailKey, 'email', 'marketing')],
    expect: (ch, c) => (ch === 'email' && c === 'marketing' ? 'suppress' : 'send'),
  },
  {
    state: 'email hard bounce (email/all)',
    entries: [entry(emailKey, 'email', 'all')],
    expect: (ch) => (ch === 'email' ? 'suppress' : 'send'),
  },
  {
    state: 'admin block of every channel and purpose (any/all)',
    entries: [entry(emailKey, 'any', 'all'), entry(phoneKey, 'any', 'all')],
    expect: () => 'suppress', // the opt-out confirmation passes sms/all only, never an admin any/all
  },
  {
    state: 'STOP by text (sms/all)',
    entries: [entry(phoneKey, 'sms', 'all')],
    expect: (ch, c) => (ch === 'sms' && !isSmsService(c) ? 'suppress' : 'send'),
  },
  {
    state: 'SMS marketing opt-out (sms/marketing)',
    entries: [entry(phoneKey, 'sms', 'marketing')],
    expect: (ch, c) => (ch === 'sms' && c === 'marketing' ? 'suppress' : 'send'),
  },
  {
    state: 'Do-Not-Sell only (any/sale_share)',
    entries: [entry(emailKey, 'any', 'sale_share'), entry(phoneKey, 'any', 'sale_share')],
    expect: () => 'send',
  },
];

describe('the gate answers from a view of the list', () => {
  for (const s of ANSWERING) {
    for (const [channel, kinds] of [
      ['email', EMAIL_KINDS],
      ['sms', SMS_KINDS],
    ] as const) {
      it(`${s.state}: ${channel} x ${kinds.join('/')}`, async () => {
        const verdicts = await decide(
          viewOf(s.entries),
          kinds.map((c) => request(channel, c)),
        );
        expect(verdicts.map((v) => v.action)).toEqual(kinds.map((c) => s.expect(channel, c)));
        for (const v of verdicts) {
          expect(v.subjectKey).toBe(channel === 'email' ? emailKey : phoneKey);
          expect('unchecked' in v).toBe(false);
          if (v.action === 'send') expect(v.reasons).toEqual([]);
          else {
            // What the sender records: every blocking entry, with its reason and event.
            expect(v.reasons.length).toBeGreaterThan(0);
            for (const r of v.reasons) {
              expect(s.entries.map((e) => e.eventId)).toContain(r.eventId);
              expect(r.reason).toBe(`${r.channel}-${r.purpose}-optout`);
            }
          }
        }
      });
    }
  }

  it('a topic opt-out stops that newsletter only (R-EM-3)', async () => {
    const view = viewOf([entry(emailKey, 'email', 'marketing', 'weekly')]);
    const [weekly, offers, receipt] = await decide(view, [
      request('email', 'marketing', 'weekly'),
      request('email', 'marketing', 'offers'),
      request('email', 'transaction', 'weekly'),
    ]);
    expect(weekly).toMatchObject({ action: 'suppress', reasons: [{ topic: 'weekly' }] });
    expect(offers).toEqual({ action: 'send', subjectKey: emailKey, reasons: [] });
    expect(receipt?.action).toBe('send');
  });

  it('an empty batch asks nothing', async () => {
    let asked = 0;
    const counting: ListChecker = {
      checkMany: async (qs) => {
        asked++;
        return viewOf([]).checkMany(qs);
      },
    };
    expect(await decide(counting, [])).toEqual([]);
    expect(asked).toBe(0);
  });

  it('keeps the request subject key when the answer has none', async () => {
    const keyless: ListChecker = {
      checkMany: async (qs: CheckQuery[]): Promise<CheckResult[]> =>
        qs.map(() => ({ subjectKey: '', allowed: true, reasons: [] })),
    };
    const [v] = await decide(keyless, [request('email', 'marketing')]);
    expect(v).toEqual({ action: 'send', subjectKey: emailKey, reasons: [] });
  });
});

describe('queryOf: what the gate asks the list', () => {
  it('kind from the template, topic and keys when given, the STOP pass for the SMS service replies only', () => {
    expect(queryOf(request('email', 'marketing', 'weekly'))).toEqual({
      subject: EMAIL,
      channel: 'email',
      kind: 'marketing',
      topic: 'weekly',
      subjectKeys: [emailKey],
    });
    expect(queryOf({ ...request('sms', 'sms-optout-confirmation'), subjectKeys: undefined })).toEqual({
      subject: PHONE,
      channel: 'sms',
      kind: 'transactional',
      smsOptOutConfirmation: true,
    });
    expect(queryOf(request('sms', 'sms-help'))).toMatchObject({ smsOptOutConfirmation: true });
    expect(queryOf(request('sms', 'account'))).not.toHaveProperty('smsOptOutConfirmation');
    expect(queryOf(request('sms', 'marketing'))).not.toHaveProperty('smsOptOutConfirmation');
    expect(queryOf(request('email', 'transaction', ''))).not.toHaveProperty('topic');
    // The pass is for texts only: an e-mail never carries it, whatever its category says.
    expect(queryOf(request('email', 'sms-optout-confirmation'))).not.toHaveProperty('smsOptOutConfirmation');
  });
});

describe('fail closed when the list cannot vouch (R-OC-4)', () => {
  let closedPort: number;
  let server: Server;
  beforeAll(async () => {
    // A port that answers nothing: listen, note the port, close.
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closedPort = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
  });
  const handles: DbHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });

  const states: {
    state: string;
    checker: () => ListChecker;
    timeoutMs?: number;
    error: (e: unknown) => void;
  }[] = [
    {
      state: 'list database unreachable',
      checker: () => ({
        checkMany: async (qs) => {
          const h = await createDb({ url: `postgres://postgres@127.0.0.1:${closedPort}/postgres`, max: 1 });
          handles.push(h);
          return databaseChecker({ db: h.db, keyer }).checkMany(qs);
        },
      }),
      error: (e) => expect(isConnectionError(e)).toBe(true),
    },
    {
      state: 'view stale (behind its bound)',
      checker: () => {
        const now = { t: 1_000 };
        const view = viewOf([], now);
        now.t = 1_000 + 2_001;
        return view;
      },
      error: (e) => expect(e).toBeInstanceOf(ListViewStale),
    },
    {
      state: 'view never caught up',
      checker: () => new ListView({ keyer }),
      error: (e) => expect(e).toBeInstanceOf(ListViewStale),
    },
    {
      state: 'list does not answer in time',
      checker: () => ({ checkMany: () => new Promise<CheckResult[]>(() => {}) }),
      timeoutMs: 50,
      error: (e) => {
        expect((e as { code?: string }).code).toBe('ETIMEDOUT');
        expect(String(e)).toMatch(/list check took longer than 50 ms/);
      },
    },
  ];

  for (const s of states) {
    for (const [channel, kinds] of [
      ['email', EMAIL_KINDS],
      ['sms', SMS_KINDS],
    ] as const) {
      it(`${s.state}: ${channel} x ${kinds.join('/')}`, async () => {
        const errors: unknown[] = [];
        const verdicts = await decide(
          s.checker(),
          kinds.map((c) => request(channel, c)),
          { onListError: (e) => errors.push(e), ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}) },
        );
        expect(errors).toHaveLength(1);
        s.error(errors[0]);
        const expected = kinds.map((c): Verdict => {
          const key = channel === 'email' ? emailKey : phoneKey;
          return channel === 'email' && isTransactional(c)
            ? { action: 'send', subjectKey: key, reasons: [], unchecked: true, error: LIST_UNAVAILABLE }
            : { action: 'defer', subjectKey: key, reasons: [], error: LIST_UNAVAILABLE };
        });
        expect(verdicts).toEqual(expected);
      });
    }
  }

  it('a list that answers within the default bound (5 s) is not an outage', async () => {
    const slowButThere: ListChecker = {
      checkMany: async (qs) => {
        await new Promise((r) => setTimeout(r, 100));
        return viewOf([]).checkMany(qs);
      },
    };
    const [v] = await decide(slowButThere, [request('sms', 'marketing')]);
    expect(v).toEqual({ action: 'send', subjectKey: phoneKey, reasons: [] });
  });

  it('the outcome names the outage as list-unavailable (what the delivery log shows)', () => {
    expect(LIST_UNAVAILABLE).toBe('list-unavailable');
  });

  it('a failing list without a listener still gives verdicts', async () => {
    const verdicts = await decide(new ListView({ keyer }), [request('sms', 'sms-optout-confirmation')]);
    expect(verdicts).toEqual([
      { action: 'defer', subjectKey: phoneKey, reasons: [], error: LIST_UNAVAILABLE },
    ]);
  });
});
