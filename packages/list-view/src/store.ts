// The compact in-memory index of the list: every subject key with any entry, and its state rows.
// Keys are HMAC-SHA256 digests: 16 binary bytes of them (128 bits) live in an open-addressing table
// of typed arrays, so the common "no entry at all" answer costs one hash probe and no allocation.
// A subject's rows are one variable-length record in a byte arena (strings interned, event ids as
// 16 bytes, times as 48-bit milliseconds); a change writes a new record and the old one becomes
// garbage, reclaimed by compaction. Objects are only built for the subjects a query asks about.
import { createHash } from 'node:crypto';
import { compareRank, type StateRow } from '@sp/suppression';

/** A changelog value as the store takes it (ChangelogEntry without what it does not need). */
export interface StoreEntry {
  subjectKey: string;
  channel: string;
  purpose: string;
  topic: string;
  suppressed: boolean;
  reason: string;
  eventId: string;
  source: string;
  occurredAt: string;
  since: string | null;
  askAgainAfter?: string | null | undefined;
  detail?: Record<string, unknown> | null | undefined;
  minor?: boolean | undefined;
}

const CHANNELS = ['email', 'sms', 'any'] as const;
const PURPOSES = ['marketing', 'all', 'sale_share'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPTY = 0;

class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  constructor(first: string[] = []) {
    for (const v of first) this.id(v);
  }
  private last = '';
  private lastId = -1;
  /** The id of `text.slice(0, end)`, without slicing when it is the last one asked. */
  prefixId(text: string, end: number): number {
    if (this.lastId >= 0 && end === this.last.length && text.startsWith(this.last)) return this.lastId;
    return this.id(text.slice(0, end));
  }
  id(v: string): number {
    if (v === this.last && this.lastId >= 0) return this.lastId;
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.ids.set(v, i);
    }
    this.last = v;
    this.lastId = i;
    return i;
  }
}

const B64 = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries())
  B64[c.charCodeAt(0)] = i;

/** One base64url character's 6 bits, or -1. */
function sextet(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? B64[c]! : -1;
}

/** Four base64url characters as 24 bits; negative when any is not base64url. */
function quad(s: string, i: number): number {
  return (sextet(s, i) << 18) | (sextet(s, i + 1) << 12) | (sextet(s, i + 2) << 6) | sextet(s, i + 3);
}

/**
 * 16 bytes of the digest as 4 words, decoded straight from the key's base64url (no allocation on
 * the lookup path); the key id (pepper) folded in so two peppers never share a slot.
 */
function keyWords(subjectKey: string, keyIds: Interner, out: Uint32Array): void {
  const colon = subjectKey.lastIndexOf(':');
  const kid = keyIds.prefixId(subjectKey, colon > 0 ? colon : 0);
  let ok = colon > 0 && subjectKey.length - colon - 1 >= 22;
  if (ok) {
    // 4 chars -> 3 bytes: five groups give bytes 0..14, two more chars byte 15.
    let p = colon + 1;
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    let bad = 0;
    // bytes b0..b14 from 20 chars
    let g = quad(subjectKey, p); // b0 b1 b2
    bad |= g;
    p += 4;
    w0 = (g >> 16) | (((g >> 8) & 255) << 8) | ((g & 255) << 16);
    g = quad(subjectKey, p); // b3 b4 b5
    bad |= g;
    p += 4;
    w0 |= (g >> 16) << 24;
    w1 = ((g >> 8) & 255) | ((g & 255) << 8);
    g = quad(subjectKey, p); // b6 b7 b8
    bad |= g;
    p += 4;
    w1 |= ((g >> 16) << 16) | (((g >> 8) & 255) << 24);
    w2 = g & 255;
    g = quad(subjectKey, p); // b9 b10 b11
    bad |= g;
    p += 4;
    w2 |= ((g >> 16) << 8) | (((g >> 8) & 255) << 16) | ((g & 255) << 24);
    g = quad(subjectKey, p); // b12 b13 b14
    bad |= g;
    p += 4;
    w3 = (g >> 16) | (((g >> 8) & 255) << 8) | ((g & 255) << 16);
    g = (sextet(subjectKey, p) << 6) | sextet(subjectKey, p + 1); // b15 in the top 8 of 12 bits
    bad |= g;
    w3 |= (g >> 4) << 24;
    if (bad < 0) ok = false;
    else {
      out[0] = w0 >>> 0;
      out[1] = w1 >>> 0;
      out[2] = w2 >>> 0;
      out[3] = w3 >>> 0;
    }
  }
  if (!ok) {
    const digest = createHash('sha256').update(subjectKey).digest(); // not a keyer key
    for (let i = 0; i < 4; i++) out[i] = digest.readUInt32LE(i * 4);
  }
  out[3] = (out[3]! ^ Math.imul(kid, 0x9e3779b1)) >>> 0;
}

const NO_ROWS: StateRow[] = [];

interface RawRow {
  channel: number;
  purpose: number;
  suppressed: boolean;
  minor: boolean;
  reason: number;
  topic: number;
  source: number;
  detail: number; // 0 = null, else interned JSON id + 1
  eventUuid: Buffer | null;
  eventStr: number; // interned id when the event id is not a UUID
  occurredMs: number;
  sinceDelta: number | null; // since - occurredAt, null when no since
  askMs: number | null;
}

export interface StoreStats {
  subjects: number;
  rows: number;
  tableSlots: number;
  arenaBytes: number;
  garbageBytes: number;
}

export class ListStore {
  private cap: number;
  private keys: Uint32Array;
  private vals: Uint32Array; // arena offset + 1; 0 = empty slot
  private used = 0;
  private arena: Buffer;
  private end = 1; // offset 0 is never a record
  private garbage = 0;
  private rowCount = 0;
  private readonly kw = new Uint32Array(4);
  private readonly keyIds = new Interner();
  private readonly reasons = new Interner();
  private readonly topics = new Interner(['*']);
  private readonly sources = new Interner();
  private readonly details = new Interner();
  private readonly eventIds = new Interner();
  private scratch = Buffer.alloc(4096);

  constructor(expectedSubjects = 1024) {
    this.cap = Math.max(1024, Math.ceil(expectedSubjects / 0.7));
    this.keys = new Uint32Array(this.cap * 4);
    this.vals = new Uint32Array(this.cap);
    this.arena = Buffer.allocUnsafe(Math.max(64 * 1024, expectedSubjects * 32));
  }

  stats(): StoreStats {
    return {
      subjects: this.used,
      rows: this.rowCount,
      tableSlots: this.cap,
      arenaBytes: this.end,
      garbageBytes: this.garbage,
    };
  }

  /** Slot of the key in `kw`, or the empty slot where it would go (negative - 1). */
  private find(): number {
    const k = this.kw;
    const cap = this.cap;
    let i = k[0]! % cap;
    for (;;) {
      const v = this.vals[i]!;
      if (v === EMPTY) return -i - 1;
      const o = i * 4;
      if (
        this.keys[o] === k[0] &&
        this.keys[o + 1] === k[1] &&
        this.keys[o + 2] === k[2] &&
        this.keys[o + 3] === k[3]
      )
        return i;
      i = i + 1 === cap ? 0 : i + 1;
    }
  }

  /** The state rows (and minor flag) of the subject key, as the shared decide() reads them. */
  rowsOf(subjectKey: string): StateRow[] {
    keyWords(subjectKey, this.keyIds, this.kw);
    const slot = this.find();
    if (slot < 0) return NO_ROWS; // shared and never mutated: the common answer allocates nothing
    return this.stateRows(this.vals[slot]! - 1);
  }

  /** Appends the rows of the subject key to `out` (several keys of one subject); false: none. */
  rowsInto(subjectKey: string, out: StateRow[]): boolean {
    keyWords(subjectKey, this.keyIds, this.kw);
    const slot = this.find();
    if (slot < 0) return false;
    for (const r of this.stateRows(this.vals[slot]! - 1)) out.push(r);
    return true;
  }

  /** A record decoded straight into the rows decide() reads (no intermediate objects or buffers). */
  private stateRows(at: number): StateRow[] {
    const a = this.arena;
    const n = a[at]!;
    const out = new Array<StateRow>(n);
    cursor = at + 1;
    for (let i = 0; i < n; i++) {
      const f = a[cursor++]!;
      const reason = nextVarint(a);
      const topic = nextVarint(a);
      const source = nextVarint(a);
      const d = nextVarint(a);
      const occurredMs = a.readUIntLE(cursor, 6);
      cursor += 6;
      const since = f & 64 ? new Date(occurredMs + unzigzag(nextVarint(a))) : null;
      let ask: Date | null = null;
      if (f & 128) {
        ask = new Date(a.readUIntLE(cursor, 6));
        cursor += 6;
      }
      let eventId: string;
      if (d & 1) eventId = this.eventIds.values[nextVarint(a)]!;
      else {
        eventId = uuidAt(a, cursor);
        cursor += 16;
      }
      const detail = Math.floor(d / 2);
      out[i] = {
        channel: CHANNELS[f & 3]!,
        purpose: PURPOSES[(f >> 2) & 3]!,
        topic: this.topics.values[topic]!,
        suppressed: (f & 16) !== 0,
        reason: this.reasons.values[reason]!,
        eventId,
        source: this.sources.values[source]!,
        occurredAt: new Date(occurredMs),
        since,
        askAgainAfter: ask,
        detail: detail === 0 ? null : JSON.parse(this.details.values[detail - 1]!),
        minor: (f & 32) !== 0,
      };
    }
    return out;
  }

  has(subjectKey: string): boolean {
    keyWords(subjectKey, this.keyIds, this.kw);
    return this.find() >= 0;
  }

  /**
   * Merges one changelog entry. A scope keeps its newest entry by compareRank (the order the
   * database's conditional upsert uses), so a redelivered or out-of-order older entry changes
   * nothing and a gap (an entry compacted away) is harmless once a newer one arrived. A minor
   * flag keeps its earliest `since`, as subject_flags does. Returns whether anything changed.
   */
  upsert(e: StoreEntry): boolean {
    const row = this.encodeEntry(e);
    keyWords(e.subjectKey, this.keyIds, this.kw);
    let slot = this.find();
    const rows = slot >= 0 ? this.decode(this.vals[slot]! - 1) : [];
    const same = rows.findIndex(
      (r) =>
        r.minor === row.minor &&
        (row.minor || (r.channel === row.channel && r.purpose === row.purpose && r.topic === row.topic)),
    );
    if (same >= 0) {
      const cur = rows[same]!;
      const wins = row.minor
        ? row.occurredMs + (row.sinceDelta ?? 0) < cur.occurredMs + (cur.sinceDelta ?? 0)
        : compareRank(this.rankOf(row), this.rankOf(cur)) > 0;
      if (!wins) return false;
      rows[same] = row;
    } else {
      rows.push(row);
      this.rowCount++;
    }
    const at = this.write(rows);
    if (slot >= 0) {
      this.garbage += this.recordLength(this.vals[slot]! - 1);
      this.vals[slot] = at + 1;
    } else {
      if ((this.used + 1) / this.cap > 0.75) {
        this.grow();
        slot = this.find();
      }
      const i = -slot - 1;
      this.keys.set(this.kw, i * 4);
      this.vals[i] = at + 1;
      this.used++;
    }
    if (this.garbage > 1 << 16 && this.garbage > this.end / 2) this.compact();
    return true;
  }

  private rankOf(r: RawRow) {
    return {
      occurredAt: new Date(r.occurredMs),
      suppressed: r.suppressed,
      eventId: r.eventUuid ? uuidText(r.eventUuid) : this.eventIds.values[r.eventStr]!,
    };
  }

  private encodeEntry(e: StoreEntry): RawRow {
    const channel = CHANNELS.indexOf(e.channel as (typeof CHANNELS)[number]);
    const purpose = PURPOSES.indexOf(e.purpose as (typeof PURPOSES)[number]);
    if (channel < 0 || purpose < 0) throw new Error(`unknown scope ${e.channel}/${e.purpose}`);
    const occurredMs = Date.parse(e.occurredAt);
    const isUuid = UUID.test(e.eventId);
    return {
      channel,
      purpose,
      suppressed: e.suppressed,
      minor: e.minor === true,
      reason: this.reasons.id(e.reason),
      topic: this.topics.id(e.topic),
      source: this.sources.id(e.source),
      detail: e.detail ? this.details.id(JSON.stringify(e.detail)) + 1 : 0,
      eventUuid: isUuid ? Buffer.from(e.eventId.replaceAll('-', ''), 'hex') : null,
      eventStr: isUuid ? 0 : this.eventIds.id(e.eventId),
      occurredMs,
      sinceDelta: e.since ? Date.parse(e.since) - occurredMs : null,
      askMs: e.askAgainAfter ? Date.parse(e.askAgainAfter) : null,
    };
  }

  private toStateRow(r: RawRow): StateRow {
    return {
      channel: CHANNELS[r.channel]!,
      purpose: PURPOSES[r.purpose]!,
      topic: this.topics.values[r.topic]!,
      suppressed: r.suppressed,
      reason: this.reasons.values[r.reason]!,
      eventId: r.eventUuid ? uuidText(r.eventUuid) : this.eventIds.values[r.eventStr]!,
      source: this.sources.values[r.source]!,
      occurredAt: new Date(r.occurredMs),
      since: r.sinceDelta === null ? null : new Date(r.occurredMs + r.sinceDelta),
      askAgainAfter: r.askMs === null ? null : new Date(r.askMs),
      detail: r.detail === 0 ? null : JSON.parse(this.details.values[r.detail - 1]!),
      minor: r.minor,
    };
  }

  // Record: [row count u8] then per row:
  //   flags u8 = channel | purpose<<2 | suppressed<<4 | minor<<5 | hasSince<<6 | hasAsk<<7
  //   varints reason, topic, source, detail*2 + (event id not a UUID)
  //   occurredAt u48, [since - occurredAt zigzag varint], [askAgainAfter u48], event id (16 bytes | varint)
  private write(rows: RawRow[]): number {
    let b = this.scratch;
    if (b.length < rows.length * 64 + 1) b = this.scratch = Buffer.alloc(rows.length * 128 + 1);
    let p = 0;
    b[p++] = rows.length;
    for (const r of rows) {
      b[p++] =
        r.channel |
        (r.purpose << 2) |
        (r.suppressed ? 16 : 0) |
        (r.minor ? 32 : 0) |
        (r.sinceDelta !== null ? 64 : 0) |
        (r.askMs !== null ? 128 : 0);
      p = varint(b, p, r.reason);
      p = varint(b, p, r.topic);
      p = varint(b, p, r.source);
      p = varint(b, p, r.detail * 2 + (r.eventUuid ? 0 : 1));
      b.writeUIntLE(r.occurredMs, p, 6);
      p += 6;
      if (r.sinceDelta !== null) p = varint(b, p, zigzag(r.sinceDelta));
      if (r.askMs !== null) {
        b.writeUIntLE(r.askMs, p, 6);
        p += 6;
      }
      if (r.eventUuid) {
        r.eventUuid.copy(b, p);
        p += 16;
      } else p = varint(b, p, r.eventStr);
    }
    if (this.end + p > this.arena.length) {
      const next = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.end + p));
      this.arena.copy(next, 0, 0, this.end);
      this.arena = next;
    }
    const at = this.end;
    b.copy(this.arena, at, 0, p);
    this.end += p;
    return at;
  }

  private decode(at: number): RawRow[] {
    const a = this.arena;
    const n = a[at]!;
    const out: RawRow[] = [];
    const pos = { p: at + 1 };
    for (let i = 0; i < n; i++) {
      const f = a[pos.p++]!;
      const reason = readVarint(a, pos);
      const topic = readVarint(a, pos);
      const source = readVarint(a, pos);
      const d = readVarint(a, pos);
      const occurredMs = a.readUIntLE(pos.p, 6);
      pos.p += 6;
      const sinceDelta = f & 64 ? unzigzag(readVarint(a, pos)) : null;
      let askMs: number | null = null;
      if (f & 128) {
        askMs = a.readUIntLE(pos.p, 6);
        pos.p += 6;
      }
      let eventUuid: Buffer | null = null;
      let eventStr = 0;
      if (d & 1) eventStr = readVarint(a, pos);
      else {
        eventUuid = Buffer.from(a.subarray(pos.p, pos.p + 16));
        pos.p += 16;
      }
      out.push({
        channel: f & 3,
        purpose: (f >> 2) & 3,
        suppressed: (f & 16) !== 0,
        minor: (f & 32) !== 0,
        reason,
        topic,
        source,
        detail: Math.floor(d / 2),
        eventUuid,
        eventStr,
        occurredMs,
        sinceDelta,
        askMs,
      });
    }
    return out;
  }

  private recordLength(at: number): number {
    const a = this.arena;
    const n = a[at]!;
    const pos = { p: at + 1 };
    for (let i = 0; i < n; i++) {
      const f = a[pos.p++]!;
      readVarint(a, pos);
      readVarint(a, pos);
      readVarint(a, pos);
      const d = readVarint(a, pos);
      pos.p += 6;
      if (f & 64) readVarint(a, pos);
      if (f & 128) pos.p += 6;
      if (d & 1) readVarint(a, pos);
      else pos.p += 16;
    }
    return pos.p - at;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const oldCap = this.cap;
    this.cap = Math.ceil(oldCap * 1.5);
    this.keys = new Uint32Array(this.cap * 4);
    this.vals = new Uint32Array(this.cap);
    for (let i = 0; i < oldCap; i++) {
      const v = oldVals[i]!;
      if (v === EMPTY) continue;
      let j = oldKeys[i * 4]! % this.cap;
      while (this.vals[j] !== EMPTY) j = j + 1 === this.cap ? 0 : j + 1;
      this.keys.set(oldKeys.subarray(i * 4, i * 4 + 4), j * 4);
      this.vals[j] = v;
    }
  }

  /** Copies the live records into a fresh arena (changes leave their old record behind). */
  private compact(): void {
    const old = this.arena;
    const next = Buffer.allocUnsafe(Math.max(64 * 1024, Math.ceil((this.end - this.garbage) * 1.25)));
    let end = 1;
    for (let i = 0; i < this.cap; i++) {
      const v = this.vals[i]!;
      if (v === EMPTY) continue;
      const len = this.recordLength(v - 1);
      old.copy(next, end, v - 1, v - 1 + len);
      this.vals[i] = end + 1;
      end += len;
    }
    this.arena = next;
    this.end = end;
    this.garbage = 0;
  }
}

function varint(b: Buffer, p: number, v: number): number {
  while (v >= 0x80) {
    b[p++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  b[p++] = v;
  return p;
}

function readVarint(b: Buffer, pos: { p: number }): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    const x = b[pos.p++]!;
    v += (x & 0x7f) * mul;
    if (x < 0x80) return v;
    mul *= 128;
  }
}

const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);
const unzigzag = (v: number) => (v % 2 === 0 ? v / 2 : -(v + 1) / 2);

/** Read position of nextVarint (module state: no allocation per read; single-threaded). */
let cursor = 0;
function nextVarint(b: Buffer): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    const x = b[cursor++]!;
    v += (x & 0x7f) * mul;
    if (x < 0x80) return v;
    mul *= 128;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function uuidAt(a: Buffer, p: number): string {
  const h = (i: number) => HEX[a[p + i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

function uuidText(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
