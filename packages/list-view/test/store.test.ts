// The store's merge rule: per scope the newest entry by compareRank wins, whatever the order the
// entries arrive in (a redelivered older entry, or a gap where compaction dropped one, changes
// nothing once the newest is in); the minor flag keeps its earliest time.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyer } from '@sp/identity';
import { decide } from '@sp/suppression';
import { expect, it } from 'vitest';
import { ListStore, parseChangelogValue, type StoreEntry } from '../src/index';

const keyer = createKeyer({ peppers: { p1: 'pepper-store-test-0123456789abcdef01234' }, currentKeyId: 'p1' });
const key = keyer.keyOf({ type: 'email', value: 'ana@example.com' });

const entry = (over: Partial<StoreEntry>): StoreEntry => ({
  subjectKey: key,
  channel: 'email',
  purpose: 'marketing',
  topic: '*',
  suppressed: true,
  reason: 'email-optout',
  eventId: '5b0a3c1e-0000-4000-8000-000000000001',
  source: 'edge',
  occurredAt: '2026-01-01T00:00:00.000Z',
  since: '2026-01-01T00:00:00.000Z',
  ...over,
});
const optOut = entry({});
const resubscribe = entry({
  suppressed: false,
  reason: 'resubscribe',
  eventId: '5b0a3c1e-0000-4000-8000-000000000002',
  occurredAt: '2026-02-01T00:00:00.000Z',
  since: null,
});
const q = {
  subject: { type: 'email' as const, value: 'ana@example.com' },
  channel: 'email' as const,
  kind: 'marketing' as const,
};

it('a redelivered older entry after a newer one changes nothing', () => {
  const s = new ListStore();
  expect(s.upsert(optOut)).toBe(true);
  expect(s.upsert(resubscribe)).toBe(true);
  expect(s.upsert(optOut)).toBe(false);
  expect(decide(q, s.rowsOf(key)).allowed).toBe(true);
});

it('entries in either order end in the same state (a gap before the newest is harmless)', () => {
  const a = new ListStore();
  a.upsert(optOut);
  a.upsert(resubscribe);
  const b = new ListStore();
  b.upsert(resubscribe);
  b.upsert(optOut);
  expect(b.rowsOf(key)).toEqual(a.rowsOf(key));
});

it('at the same instant suppression wins, as in the database', () => {
  const s = new ListStore();
  s.upsert({ ...resubscribe, occurredAt: optOut.occurredAt });
  s.upsert(optOut);
  expect(decide(q, s.rowsOf(key)).allowed).toBe(false);
});

it('keeps every field a reason shows, and answers "no entry" for unknown keys', () => {
  const s = new ListStore();
  const dns = entry({
    channel: 'any',
    purpose: 'sale_share',
    reason: 'do-not-sell',
    askAgainAfter: '2027-01-01T00:00:00.000Z',
    detail: { method: 'web-form', gpc: true },
  });
  s.upsert(dns);
  expect(s.rowsOf(key)).toEqual([
    {
      channel: 'any',
      purpose: 'sale_share',
      topic: '*',
      suppressed: true,
      reason: 'do-not-sell',
      eventId: dns.eventId,
      source: 'edge',
      occurredAt: new Date(dns.occurredAt),
      since: new Date(dns.occurredAt),
      askAgainAfter: new Date('2027-01-01T00:00:00.000Z'),
      detail: { method: 'web-form', gpc: true },
      minor: false,
    },
  ]);
  expect(s.rowsOf(keyer.keyOf({ type: 'email', value: 'bob@example.com' }))).toEqual([]);
});

it('many subjects: the table grows and compacts without losing one', () => {
  const s = new ListStore(16);
  const keys = Array.from({ length: 5000 }, (_, i) => keyer.keyOf({ type: 'customer', value: `c${i}` }));
  for (const k of keys) s.upsert(entry({ subjectKey: k }));
  for (const k of keys)
    s.upsert(
      entry({
        subjectKey: k,
        suppressed: false,
        reason: 'admin-lift',
        occurredAt: '2026-03-01T00:00:00.000Z',
        since: null,
      }),
    );
  expect(s.stats().subjects).toBe(5000);
  expect(keys.every((k) => s.rowsOf(k)[0]?.reason === 'admin-lift')).toBe(true);
});

it('records on disk (recordsDir): the same answers, through growth, changes and compaction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'list-view-store-'));
  const mem = new ListStore(16);
  const disk = new ListStore({ expectedSubjects: 16, recordsDir: dir });
  try {
    // The record file is unlinked at once: nothing of the list stays on disk.
    expect(readdirSync(dir)).toEqual([]);
    const keys = Array.from({ length: 20_000 }, (_, i) => keyer.keyOf({ type: 'customer', value: `d${i}` }));
    for (const s of [mem, disk]) {
      for (const k of keys) s.upsert(entry({ subjectKey: k, detail: { method: 'one-click' } }));
      for (const k of keys.slice(0, 15_000))
        s.upsert(
          entry({
            subjectKey: k,
            suppressed: false,
            reason: 'admin-lift',
            occurredAt: '2026-03-01T00:00:00.000Z',
            since: null,
          }),
        );
      for (const k of keys.slice(0, 5_000))
        s.upsert(entry({ subjectKey: k, channel: 'sms', purpose: 'all', reason: 'sms-stop' }));
    }
    expect(disk.stats()).toMatchObject({ subjects: 20_000, rows: 25_000, records: 'disk' });
    // Both spaces compacted at the same moments, to the same bytes.
    const { records: _m, ...memStats } = mem.stats();
    const { records: _d, ...diskStats } = disk.stats();
    expect(diskStats).toEqual(memStats);
    expect(disk.stats().garbageBytes).toBeLessThan(disk.stats().arenaBytes / 2);
    for (const k of keys) expect(disk.rowsOf(k)).toEqual(mem.rowsOf(k));
    expect(disk.rowsOf(keyer.keyOf({ type: 'customer', value: 'nobody' }))).toEqual([]);
  } finally {
    disk.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('the changelog value check takes what the relay writes and refuses what the store cannot read', () => {
  const ok = { ...optOut, seq: 1, detail: { method: 'link' }, askAgainAfter: null };
  const raw = (v: unknown) => Buffer.from(JSON.stringify(v));
  expect(parseChangelogValue(raw(ok))).toEqual({ ok: true, value: ok });
  expect(parseChangelogValue(raw({ ...ok, minor: true, channel: 'any', purpose: 'sale_share' })).ok).toBe(
    true,
  );
  expect(parseChangelogValue(null)).toEqual({ ok: false, error: 'empty changelog value' });
  expect(parseChangelogValue(Buffer.from('{'))).toEqual({ ok: false, error: 'changelog value is not JSON' });
  expect(parseChangelogValue(raw({ ...ok, channel: 'fax' }))).toEqual({
    ok: false,
    error: 'changelog value: bad channel',
  });
  expect(parseChangelogValue(raw({ ...ok, occurredAt: 'yesterday' })).ok).toBe(false);
  expect(parseChangelogValue(raw({ ...ok, suppressed: 'yes' })).ok).toBe(false);
  expect(parseChangelogValue(raw({ ...ok, subjectKey: '' })).ok).toBe(false);
  expect(parseChangelogValue(raw([1])).ok).toBe(false);
});
