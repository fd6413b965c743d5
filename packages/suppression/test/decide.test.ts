// The decision rules (decide.ts, shared by the database check and the senders' view of the list),
// as the answer a sender or an auditor reads: allowed or not, and every reason with its event,
// source, since and (Do-Not-Sell) when asking again is allowed. Pure: state rows in, answer out.
import { describe, expect, it } from 'vitest';
import { type CheckQuery, decide, type StateRow } from '../src/index';

const SUBJECT = { type: 'email' as const, value: 'ana@example.com' };
let seq = 0;
function row(
  channel: string,
  purpose: string,
  topic: string,
  suppressed: boolean,
  at: string,
  extra: Partial<StateRow> = {},
): StateRow {
  seq++;
  return {
    channel,
    purpose,
    topic,
    suppressed,
    reason: suppressed ? `${purpose}-optout` : 'resubscribe',
    eventId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    source: 'test',
    occurredAt: new Date(at),
    since: new Date(at),
    askAgainAfter: null,
    detail: null,
    minor: false,
    ...extra,
  };
}
const q = (
  channel: 'email' | 'sms',
  kind: CheckQuery['kind'],
  extra: Partial<CheckQuery> = {},
): CheckQuery => ({
  subject: SUBJECT,
  channel,
  kind,
  ...extra,
});
/** The answer for every order of the rows: the database returns them in no promised order. */
function decideAnyOrder(query: CheckQuery, rows: StateRow[]) {
  const answers = [rows, [...rows].reverse()].map((r) => decide(query, r));
  expect(answers[1]).toEqual(answers[0]);
  return answers[0]!;
}

describe('within one channel and purpose, the newest of topic T and * decides (R-EM-3)', () => {
  it('a confirmed resubscribe to T after "unsubscribe from all" reopens T only', () => {
    const all = row('email', 'marketing', '*', true, '2026-03-01T10:00:00Z');
    const weekly = row('email', 'marketing', 'weekly', false, '2026-03-02T10:00:00Z');
    expect(decideAnyOrder(q('email', 'marketing', { topic: 'weekly' }), [all, weekly])).toEqual({
      allowed: true,
      reasons: [],
    });
    const other = decideAnyOrder(q('email', 'marketing', { topic: 'offers' }), [all, weekly]);
    expect(other.allowed).toBe(false);
    expect(other.reasons.map((r) => r.eventId)).toEqual([all.eventId]);
    expect(decideAnyOrder(q('email', 'marketing'), [all, weekly]).allowed).toBe(false);
  });

  it('"unsubscribe from all" after a resubscribe to T blocks T again, naming every suppressed entry', () => {
    const weeklyOut = row('email', 'marketing', 'weekly', true, '2026-03-01T09:00:00Z');
    const weeklyIn = row('email', 'marketing', 'weekly', false, '2026-03-01T10:00:00Z');
    const all = row('email', 'marketing', '*', true, '2026-03-02T10:00:00Z');
    const a = decideAnyOrder(q('email', 'marketing', { topic: 'weekly' }), [weeklyOut, weeklyIn, all]);
    expect(a.allowed).toBe(false);
    expect(a.reasons.map((r) => r.eventId).sort()).toEqual([weeklyOut.eventId, all.eventId].sort());
  });

  it('at the same instant a suppression beats a lift (when in doubt, suppress)', () => {
    const out = row('email', 'marketing', '*', true, '2026-03-01T10:00:00Z');
    const lift = row('email', 'marketing', '*', false, '2026-03-01T10:00:00Z');
    expect(decideAnyOrder(q('email', 'marketing'), [out, lift]).allowed).toBe(false);
  });

  it('an empty topic means general marketing', () => {
    const weekly = row('email', 'marketing', 'weekly', true, '2026-03-01T10:00:00Z');
    expect(decide(q('email', 'marketing', { topic: '' }), [weekly]).allowed).toBe(true);
    expect(decide(q('email', 'marketing', { topic: 'weekly' }), [weekly]).allowed).toBe(false);
  });

  it('a lift of the all-email block (a bounce) does not reopen marketing the person opted out of', () => {
    const optOut = row('email', 'marketing', '*', true, '2026-03-01T10:00:00Z');
    const bounceLift = row('email', 'all', '*', false, '2026-03-02T10:00:00Z', { reason: 'admin-lift' });
    const a = decideAnyOrder(q('email', 'marketing'), [optOut, bounceLift]);
    expect(a).toMatchObject({ allowed: false, reasons: [{ eventId: optOut.eventId }] });
    expect(decideAnyOrder(q('email', 'transactional'), [optOut, bounceLift]).allowed).toBe(true);
  });

  it('groups are per channel and purpose: a lift of one does not reopen another', () => {
    const anyAll = row('any', 'all', '*', true, '2026-03-01T10:00:00Z');
    const emailLift = row('email', 'all', '*', false, '2026-03-02T10:00:00Z');
    const a = decideAnyOrder(q('email', 'transactional'), [anyAll, emailLift]);
    expect(a.allowed).toBe(false);
    expect(a.reasons.map((r) => r.eventId)).toEqual([anyAll.eventId]);
  });
});

describe('which entries block which message', () => {
  const rows = {
    emailMarketing: row('email', 'marketing', '*', true, '2026-03-01T10:00:00Z'),
    emailAll: row('email', 'all', '*', true, '2026-03-01T10:00:00Z'),
    anyMarketing: row('any', 'marketing', '*', true, '2026-03-01T10:00:00Z'),
    smsAll: row('sms', 'all', '*', true, '2026-03-01T10:00:00Z'),
    smsMarketing: row('sms', 'marketing', '*', true, '2026-03-01T10:00:00Z'),
    anyAll: row('any', 'all', '*', true, '2026-03-01T10:00:00Z'),
    anySale: row('any', 'sale_share', '*', true, '2026-03-01T10:00:00Z'),
    emailSale: row('email', 'sale_share', '*', true, '2026-03-01T10:00:00Z'),
    smsSale: row('sms', 'sale_share', '*', true, '2026-03-01T10:00:00Z'),
  };
  type Name = keyof typeof rows;
  const blocks = (query: CheckQuery, name: Name) => !decide(query, [rows[name]]).allowed;
  const table: [string, CheckQuery, Name[]][] = [
    ['email marketing', q('email', 'marketing'), ['emailMarketing', 'emailAll', 'anyMarketing', 'anyAll']],
    ['email transactional (R-EM-5)', q('email', 'transactional'), ['emailAll', 'anyAll']],
    ['sms marketing', q('sms', 'marketing'), ['anyMarketing', 'smsAll', 'smsMarketing', 'anyAll']],
    ['sms transactional', q('sms', 'transactional'), ['smsAll', 'anyAll']],
    // R-SMS-3/4: the one confirmation passes the STOP (sms/all), never an admin block of everything.
    ['sms opt-out confirmation', q('sms', 'transactional', { smsOptOutConfirmation: true }), ['anyAll']],
    [
      'sale of an email (R-EM-4)',
      q('email', 'sale_share'),
      ['emailMarketing', 'anyMarketing', 'anySale', 'emailSale'],
    ],
    ['sale of a phone', q('sms', 'sale_share'), ['anySale', 'smsSale']],
  ];
  for (const [label, query, blockedBy] of table) {
    it(label, () => {
      const names = Object.keys(rows) as Name[];
      expect(names.filter((n) => blocks(query, n))).toEqual(names.filter((n) => blockedBy.includes(n)));
    });
  }

  it('R-SMS-3: the confirmation passes the STOP entry (sms/all) only, never a marketing-only STOP or an admin block', () => {
    // With revoke-all off (R-SMS-8) a STOP is sms/marketing: a marketing text is blocked even if
    // it claims to be the confirmation.
    const confirm = q('sms', 'marketing', { smsOptOutConfirmation: true });
    expect(decide(confirm, [rows.smsMarketing])).toMatchObject({
      allowed: false,
      reasons: [{ eventId: rows.smsMarketing.eventId }],
    });
    expect(decide(confirm, [rows.anyMarketing]).allowed).toBe(false);
    expect(decide(confirm, [rows.smsAll]).allowed).toBe(true);
    const confirmTx = q('sms', 'transactional', { smsOptOutConfirmation: true });
    expect(decideAnyOrder(confirmTx, [rows.smsAll, rows.anyAll])).toMatchObject({
      allowed: false,
      reasons: [{ eventId: rows.anyAll.eventId }],
    });
  });

  it('the confirmation pass is for texts only: an e-mail asking with it is still blocked', () => {
    const a = decide(q('email', 'transactional', { smsOptOutConfirmation: true }), [rows.emailAll]);
    expect(a.allowed).toBe(false);
  });

  it('R-EM-4: a topic opt-out or a lifted marketing opt-out does not stop a sale; a newer lift does reopen it', () => {
    const topicOnly = row('email', 'marketing', 'weekly', true, '2026-03-01T10:00:00Z');
    expect(decide(q('email', 'sale_share'), [topicOnly]).allowed).toBe(true);
    const out = row('any', 'marketing', '*', true, '2026-03-01T10:00:00Z');
    const lift = row('any', 'marketing', '*', false, '2026-03-02T10:00:00Z');
    expect(decideAnyOrder(q('email', 'sale_share'), [out, lift]).allowed).toBe(true);
    const minorAsMarketing = row('any', 'marketing', '*', true, '2026-03-01T10:00:00Z', { minor: true });
    expect(decide(q('email', 'sale_share'), [minorAsMarketing]).reasons).toHaveLength(1);
  });

  it('a topic entry blocks that topic only, for marketing only', () => {
    const weekly = row('email', 'marketing', 'weekly', true, '2026-03-01T10:00:00Z');
    expect(decide(q('email', 'marketing', { topic: 'weekly' }), [weekly]).allowed).toBe(false);
    expect(decide(q('email', 'transactional', { topic: 'weekly' }), [weekly]).allowed).toBe(true);
  });
});

describe('R-DNS-6: a minor is never sold', () => {
  it('the minor flag blocks a sale even after a newer lift of the Do-Not-Sell entry, with its own reason', () => {
    const dns = row('any', 'sale_share', '*', true, '2026-03-01T10:00:00Z');
    const lift = row('any', 'sale_share', '*', false, '2026-03-05T10:00:00Z');
    const minor = row('any', 'sale_share', '*', true, '2026-03-02T10:00:00Z', {
      reason: 'minor',
      minor: true,
    });
    for (const channel of ['email', 'sms'] as const) {
      const a = decideAnyOrder(q(channel, 'sale_share'), [dns, lift, minor]);
      expect(a.allowed).toBe(false);
      expect(a.reasons).toEqual([expect.objectContaining({ reason: 'minor', eventId: minor.eventId })]);
    }
    // The flag is about sale only: marketing is not touched by it.
    expect(decide(q('email', 'marketing'), [minor])).toEqual({ allowed: true, reasons: [] });
  });
});

describe('the reasons as an auditor reads them', () => {
  it('each reason carries event, source, scope, since, ask-again date (R-DNS-5) and detail', () => {
    const dns = row('any', 'sale_share', '*', true, '2026-03-01T10:00:00Z', {
      reason: 'dns-request',
      source: 'edge/dns',
      since: new Date('2026-02-28T09:00:00Z'),
      askAgainAfter: new Date('2027-03-01T10:00:00Z'),
      detail: { method: 'gpc' },
    });
    expect(decide(q('email', 'sale_share'), [dns])).toEqual({
      allowed: false,
      reasons: [
        {
          eventId: dns.eventId,
          reason: 'dns-request',
          source: 'edge/dns',
          since: '2026-02-28T09:00:00.000Z',
          channel: 'any',
          purpose: 'sale_share',
          topic: '*',
          askAgainAfter: '2027-03-01T10:00:00.000Z',
          detail: { method: 'gpc' },
        },
      ],
    });
  });

  it('since falls back to when it happened; no ask-again date is null, not 1970', () => {
    const out = row('email', 'marketing', '*', true, '2026-03-01T10:00:00Z', { since: null });
    const [r] = decide(q('email', 'marketing'), [out]).reasons;
    expect(r?.since).toBe('2026-03-01T10:00:00.000Z');
    expect(r?.askAgainAfter).toBeNull();
  });

  it('every blocking entry once, in a stable order (channel, purpose, topic, reason, event)', () => {
    const a1 = row('any', 'all', '*', true, '2026-03-01T10:00:00Z', { reason: 'admin' });
    const e1 = row('email', 'marketing', '*', true, '2026-03-01T10:00:00Z', { reason: 'link' });
    const e2 = row('email', 'marketing', 'weekly', true, '2026-03-01T09:00:00Z', { reason: 'link' });
    const e3 = row('email', 'all', '*', true, '2026-03-01T10:00:00Z', { reason: 'bounce' });
    const e4 = row('email', 'marketing', '*', true, '2026-02-01T10:00:00Z', { reason: 'complaint' });
    const a = decideAnyOrder(q('email', 'marketing', { topic: 'weekly' }), [e1, a1, e2, e3, e4, e1]);
    expect(a.reasons.map((r) => `${r.channel}|${r.purpose}|${r.topic}|${r.reason}`)).toEqual([
      'any|all|*|admin',
      'email|all|*|bounce',
      'email|marketing|*|complaint',
      'email|marketing|*|link',
      'email|marketing|weekly|link',
    ]);
  });

  it('nothing on the list: allowed with no reasons', () => {
    expect(decide(q('sms', 'marketing'), [])).toEqual({ allowed: true, reasons: [] });
    const lifted = row('sms', 'all', '*', false, '2026-03-01T10:00:00Z');
    expect(decide(q('sms', 'marketing'), [lifted])).toEqual({ allowed: true, reasons: [] });
  });
});
