// Issue 12: the bulk import path (COPY into a staging table, one set-based statement per chunk)
// writes what apply() writes for the same entries: the same ledger rows, the same list (state), the
// same changelog payloads, the same vault copies, and so the same stats; whatever the order and the
// chunking of the file; a re-import changes nothing. Also: planImported is planEvent of the event
// an imported entry stands for.
import { randomBytes } from 'node:crypto';
import { schema } from '@sp/db';
import { asc, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  type ImportEvidence,
  type ImportedEntry,
  importedEvent,
  type ListEvent,
  openAddress,
  planImported,
  type SuppressionContext,
  writeImportedBulk,
} from '../src/index';
import { planEvent } from '../src/plan';
import { ev, openPgliteDb, openTestDb, type TestDb } from './helpers';

const vault = { keyId: 'v1', key: randomBytes(32) };
const clock = () => new Date('2026-11-25T12:00:00.000Z');
const NOW = new Date('2026-11-25T11:00:00.000Z');

let viaApply: TestDb;
let viaBulk: TestDb;
let viaBulkShuffled: TestDb;
beforeAll(async () => {
  [viaApply, viaBulk, viaBulkShuffled] = await Promise.all([
    openTestDb({ vault, clock }),
    openTestDb({ vault, clock }),
    openTestDb({ vault, clock }),
  ]);
});
afterAll(async () => {
  await Promise.all([viaApply?.close(), viaBulk?.close(), viaBulkShuffled?.close()]);
});

const tag = randomBytes(3).toString('hex');
type Row = { entry: ImportedEntry; evidence: ImportEvidence };

/** A migration's entries: bounces, complaints, unsubscribes (per topic), STOPs, ids; some subjects
 *  several times (an older and a newer export line, an undated line), one bad address. */
function entries(): Row[] {
  const out: Row[] = [];
  const ev0 = (line: number): ImportEvidence => ({
    file: 'mixed.csv',
    line,
    operator: 'ops@brand',
    by: 'ops-admin',
  });
  let line = 1;
  const push = (entry: ImportedEntry) => out.push({ entry, evidence: ev0(++line) });
  for (let i = 0; i < 60; i++) {
    const e = `Bulk.${tag}.${i}@Example.COM`;
    const day = String(1 + (i % 27)).padStart(2, '0');
    if (i % 4 === 0)
      push({
        subjectType: 'email',
        value: e,
        channel: 'email',
        purpose: 'all',
        topic: '*',
        reasonCode: 'hard-bounce',
        reason: 'sendgrid bounce: 550 5.1.1, "no such user"\ttab\\slash',
        occurredAt: `2025-03-${day}T10:00:00Z`,
      });
    if (i % 4 === 1)
      push({
        subjectType: 'email',
        value: e,
        channel: 'email',
        purpose: 'marketing',
        topic: '*',
        reasonCode: 'complaint',
        reason: 'sendgrid spam report\nsecond line',
        occurredAt: `2025-04-${day}T10:00:00Z`,
      });
    if (i % 4 === 2) {
      push({
        subjectType: 'email',
        value: e,
        channel: 'email',
        purpose: 'marketing',
        topic: `news-${i % 3}`,
        reasonCode: 'email-optout',
        reason: 'sendgrid group unsubscribe (group 42)',
        occurredAt: `2025-05-${day}T10:00:00Z`,
      });
      // The same scope again from an older export, and from a newer one.
      push({
        subjectType: 'email',
        value: e.toLowerCase(),
        channel: 'email',
        purpose: 'marketing',
        topic: `news-${i % 3}`,
        reasonCode: 'email-optout',
        reason: 'older export',
        occurredAt: `2024-05-${day}T10:00:00Z`,
      });
      push({
        subjectType: 'email',
        value: e,
        channel: 'email',
        purpose: 'marketing',
        topic: `news-${i % 3}`,
        reasonCode: 'email-optout',
        reason: 'newer export',
        occurredAt: `2025-06-${day}T10:00:00Z`,
      });
    }
    if (i % 4 === 3)
      push({
        subjectType: 'email',
        value: e,
        channel: 'email',
        purpose: 'marketing',
        topic: '*',
        reason: 'our own list, no date',
      });
    if (i % 10 === 0)
      push({
        subjectType: 'phone',
        value: `+1415${2000000 + i}`,
        channel: 'sms',
        purpose: 'all',
        topic: '*',
        reasonCode: 'sms-stop',
        reason: 'twilio opt-out list',
        occurredAt: `2025-02-${day}T08:00:00Z`,
      });
    if (i % 15 === 0)
      push({
        subjectType: 'customer',
        value: `cust-${tag}-${i}`,
        channel: 'any',
        purpose: 'sale_share',
        topic: '*',
        reason: 'crm export',
      });
  }
  // An exact repeat of a line (the same fact twice in one file).
  out.push({ ...out[3]!, evidence: { ...out[3]!.evidence, line: 999 } });
  return out;
}

function plans(ctx: SuppressionContext, rows: Row[]) {
  return rows.map((r) => planImported(ctx, r.entry, r.evidence, NOW));
}

/** Before the import: a lift newer than some imported lines, an older opt-out under others. */
async function history(ctx: SuppressionContext) {
  const e = (i: number) => `Bulk.${tag}.${i}@Example.COM`;
  const optOut = {
    ...ev.optOut(e(2), '2025-01-01T00:00:00.000Z'),
    id: '6f1d1a52-7a59-4c38-9f39-6b7d3b2a0002',
  };
  await apply(ctx, [
    optOut as ListEvent,
    {
      id: '6f1d1a52-7a59-4c38-9f39-6b7d3b2a0001',
      type: 'suppression.admin.v1',
      source: 'test',
      occurredAt: '2025-12-01T00:00:00.000Z',
      data: {
        subject: { type: 'email', value: e(0) },
        action: 'lift',
        channel: 'email',
        purpose: 'all',
        topic: '*',
        actor: 'ops',
        reason: 'lifted after the bounce',
      },
    } as unknown as ListEvent,
  ]);
}

async function tables(t: TestDb) {
  const db = t.ctx.db;
  const l = schema.ledger;
  const ledger = (await db.select().from(l).orderBy(asc(l.eventId))).map(({ seq: _s, ...r }) => r);
  const s = schema.suppressionState;
  const state = await db.select().from(s).orderBy(s.subjectKey, s.channel, s.purpose, s.topic);
  const o = schema.outbox;
  const outbox = (await db.select().from(o).orderBy(asc(o.id))).map((r) => ({
    key: r.key,
    topic: r.topic,
    payload: r.payload,
  }));
  // Per changelog key, in the order the changes were queued (ids differ between databases).
  const changelog = new Map<string, unknown[]>();
  for (const r of outbox) changelog.set(r.key, [...(changelog.get(r.key) ?? []), r.payload]);
  const v = schema.subjectVault;
  const copies = (await db.select().from(v).orderBy(v.subjectKey)).map((r) => ({
    subjectKey: r.subjectKey,
    subjectType: r.subjectType,
    keyId: r.keyId,
    createdAt: r.createdAt,
    value: openAddress(vault.key, r.subjectKey, r.ciphertext),
  }));
  const stats = await db.execute(
    sql`select reason, channel, purpose, count(*)::int as n from suppression_state where suppressed group by 1, 2, 3 order by 1, 2, 3`,
  );
  return {
    ledger,
    state,
    changelog: [...changelog].sort(([a], [b]) => (a < b ? -1 : 1)),
    copies,
    stats: Array.isArray(stats) ? stats : (stats as { rows: unknown[] }).rows,
  };
}

describe('bulk import (COPY + one statement per chunk)', () => {
  it('writes the same ledger, list, changelog, vault and stats as apply() of the same entries, in any order and chunking; a re-import changes nothing', async () => {
    const rows = entries();
    for (const t of [viaApply, viaBulk, viaBulkShuffled]) await history(t.ctx);

    // apply(): the events the entries stand for, in one batch (the bulk path's one chunk).
    const events = rows.map((r) => importedEvent(viaApply.ctx, r.entry, r.evidence, NOW));
    const good = events.filter((e): e is ListEvent => typeof e !== 'string');
    expect(good.length).toBe(rows.length);
    await apply(viaApply.ctx, good);

    // The bulk path: one chunk; and the same file reversed, in chunks of 7.
    const p = plans(viaBulk.ctx, rows);
    const done = await writeImportedBulk(
      viaBulk.ctx,
      p.filter((x) => typeof x !== 'string'),
    );
    const distinct = new Set(good.map((e) => e.id)).size;
    expect(done).toEqual({ accepted: distinct, duplicates: rows.length - distinct, via: 'copy' });
    // (Without the repeated line: of two lines with the same fact, the ledger keeps the first read.)
    const reversed = plans(viaBulkShuffled.ctx, rows.slice(0, -1).reverse()).filter(
      (x) => typeof x !== 'string',
    );
    let accepted = 0;
    for (let i = 0; i < reversed.length; i += 7)
      accepted += (await writeImportedBulk(viaBulkShuffled.ctx, reversed.slice(i, i + 7))).accepted;
    expect(accepted).toBe(distinct);

    const expected = await tables(viaApply);
    // Not vacuous: the lift newer than the bounce stays; the newest export line of a scope wins.
    expect(expected.ledger.length).toBe(distinct + 2);
    expect(expected.state.some((r) => r.reason === 'admin-lift' && !r.suppressed)).toBe(true);
    expect(
      expected.state.filter((r) => (r.detail as { reason?: string } | null)?.reason === 'newer export'),
    ).toHaveLength(15);
    expect(
      expected.state.some((r) => (r.detail as { reason?: string } | null)?.reason === 'older export'),
    ).toBe(false);
    const bulk = await tables(viaBulk);
    expect(bulk).toEqual(expected);
    const shuffled = await tables(viaBulkShuffled);
    // Chunked otherwise, the changelog may also hold a scope's winner of an earlier chunk; its last
    // entry per key (what a local view ends with) is the same, and so is everything else.
    const last = (c: Array<[string, unknown[]]>) => c.map(([k, v]) => [k, v.at(-1)]);
    expect({ ...shuffled, changelog: last(shuffled.changelog) }).toEqual({
      ...expected,
      changelog: last(expected.changelog),
    });

    // Re-importing the file: every entry a duplicate, nothing changes.
    const again = await writeImportedBulk(
      viaBulk.ctx,
      plans(viaBulk.ctx, rows).filter((x) => typeof x !== 'string'),
    );
    expect(again).toEqual({ accepted: 0, duplicates: rows.length, via: 'copy' });
    expect(await tables(viaBulk)).toEqual(expected);
  });

  it('planImported is planEvent of the event the entry stands for (property)', () => {
    const ctx = viaApply.ctx;
    const entry = fc.record({
      subjectType: fc.constantFrom('email' as const, 'phone' as const, 'customer' as const),
      local: fc
        .stringMatching(/^[a-z0-9.]{1,12}$/)
        .filter((s) => !s.startsWith('.') && !s.endsWith('.') && !s.includes('..')),
      channel: fc.constantFrom('email' as const, 'sms' as const, 'any' as const),
      purpose: fc.constantFrom('marketing' as const, 'all' as const, 'sale_share' as const),
      topic: fc.constantFrom('*', 'news', 'deals'),
      reasonCode: fc.option(
        fc.constantFrom(
          'email-optout' as const,
          'complaint' as const,
          'hard-bounce' as const,
          'sms-stop' as const,
        ),
        { nil: undefined },
      ),
      reason: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\u0000')),
      occurredAt: fc.option(
        fc.date({ min: new Date('2010-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        { nil: undefined },
      ),
      by: fc.option(fc.constantFrom('ops-admin', 'ops'), { nil: undefined }),
      line: fc.integer({ min: 1, max: 10_000_000 }),
    });
    fc.assert(
      fc.property(entry, (x) => {
        const value =
          x.subjectType === 'email'
            ? `${x.local}@Example.org`
            : x.subjectType === 'phone'
              ? `+1415${2000000 + (x.line % 7999999)}`
              : `c-${x.local}`;
        const e: ImportedEntry = {
          subjectType: x.subjectType,
          value,
          channel: x.channel,
          purpose: x.purpose,
          topic: x.topic,
          reason: x.reason,
          ...(x.reasonCode ? { reasonCode: x.reasonCode } : {}),
          ...(x.occurredAt ? { occurredAt: x.occurredAt.toISOString() } : {}),
        };
        const evidence: ImportEvidence = {
          file: 'f.csv',
          line: x.line,
          operator: 'ops',
          ...(x.by ? { by: x.by } : {}),
        };
        const event = importedEvent(ctx, e, evidence, NOW);
        const plan = planImported(ctx, e, evidence, NOW);
        if (typeof event === 'string') return expect(plan).toBe(event);
        expect(plan).toEqual(planEvent(ctx, event));
      }),
      { numRuns: 500 },
    );
  });

  it('on PGlite (npm start) the same entries go through apply’s writer and give the same list', async () => {
    const p = await openPgliteDb({ vault, clock });
    try {
      await history(p.ctx);
      const rows = entries();
      const done = await writeImportedBulk(
        p.ctx,
        plans(p.ctx, rows).filter((x) => typeof x !== 'string'),
      );
      const ids = plans(p.ctx, rows).map((x) => (typeof x === 'string' ? x : x.eventId));
      expect(done).toMatchObject({ accepted: new Set(ids).size, via: 'apply' });
      const s = schema.suppressionState;
      const mine = await p.ctx.db.select().from(s).orderBy(s.subjectKey, s.channel, s.purpose, s.topic);
      expect(mine).toEqual((await tables(viaApply)).state);
    } finally {
      await p.close();
    }
  });
});
