// The compact index of the list: every subject key with any entry, and its state rows.
// Keys are HMAC-SHA256 digests: 12 binary bytes of them (96 bits) live in an open-addressing table
// of typed arrays, so the common "no entry at all" answer costs one hash probe and no allocation.
// A subject's rows are one variable-length record (strings interned, event ids as 16 bytes, times
// as 48-bit milliseconds) in a record space: a byte arena in memory, or an unlinked file on disk
// (`recordsDir`), read back with one pread per subject that has entries, which keeps a list of ten
// million subjects within a few hundred MB of process memory. A change writes a new record and the
// old one becomes garbage, reclaimed by compaction. Objects are only built for the subjects a query
// asks about.

import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
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
 * 12 bytes of the digest as 3 words, decoded straight from the key's base64url (no allocation on
 * the lookup path); the key id (pepper) folded in so two peppers never share a slot. 96 bits: two
 * of ten million subjects share a slot with a probability of about 10^-15.
 */
function keyWords(subjectKey: string, keyIds: Interner, out: Uint32Array): void {
  const colon = subjectKey.lastIndexOf(':');
  const kid = keyIds.prefixId(subjectKey, Math.max(colon, 0));
  let ok = colon > 0 && subjectKey.length - colon - 1 >= 16;
  if (ok) {
    // 4 chars -> 3 bytes: four groups give bytes 0..11.
    const p = colon + 1;
    const g0 = quad(subjectKey, p); // b0 b1 b2
    const g1 = quad(subjectKey, p + 4); // b3 b4 b5
    const g2 = quad(subjectKey, p + 8); // b6 b7 b8
    const g3 = quad(subjectKey, p + 12); // b9 b10 b11
    if ((g0 | g1 | g2 | g3) < 0) ok = false;
    else {
      out[0] = ((g0 >> 16) | (((g0 >> 8) & 255) << 8) | ((g0 & 255) << 16) | ((g1 >> 16) << 24)) >>> 0;
      out[1] = (((g1 >> 8) & 255) | ((g1 & 255) << 8) | ((g2 >> 16) << 16) | (((g2 >> 8) & 255) << 24)) >>> 0;
      out[2] = ((g2 & 255) | ((g3 >> 16) << 8) | (((g3 >> 8) & 255) << 16) | ((g3 & 255) << 24)) >>> 0;
    }
  }
  if (!ok) {
    const digest = createHash('sha256').update(subjectKey).digest(); // not a keyer key
    for (let i = 0; i < 3; i++) out[i] = digest.readUInt32LE(i * 4);
  }
  out[2] = (out[2]! ^ Math.imul(kid, 0x9e3779b1)) >>> 0;
}

const NO_ROWS: StateRow[] = [];
const KW = 3; // key words per slot
const MAX_LOAD = 0.75;

interface RawRow {
  channel: number;
  purpose: number;
  suppressed: boolean;
  minor: boolean;
  reason: number;
  topic: number;
  source: number;
  detail: number; // 0 = null, else interned JSON id + 1
  /** The event id's text; written as 16 bytes when it is a UUID, else interned (eventStr). */
  eventId: string;
  uuid: boolean;
  eventStr: number;
  occurredMs: number;
  sinceDelta: number | null; // since - occurredAt, null when no since
  askMs: number | null;
}

export interface StoreStats {
  subjects: number;
  rows: number;
  tableSlots: number;
  /** Bytes of records written (in memory, or on disk with `recordsDir`). */
  arenaBytes: number;
  garbageBytes: number;
  /** Where the records are: 'memory' or 'disk'. */
  records: 'memory' | 'disk';
}

/**
 * Where records live. `view(at)` makes `buf` hold the record at offset `at` and returns its
 * position in `buf` (valid until the next view or append).
 */
interface RecordSpace {
  buf: Buffer;
  readonly end: number;
  view(at: number): number;
  append(src: Buffer, len: number): number;
  /** A fresh, empty space of the same kind (compaction moves the live records into it). */
  fresh(sizeHint: number): RecordSpace;
  close(): void;
}

class MemorySpace implements RecordSpace {
  buf: Buffer;
  end = 1; // offset 0 is never a record
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64 * 1024, size));
  }
  view(at: number): number {
    return at;
  }
  append(src: Buffer, len: number): number {
    if (this.end + len > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.end + len));
      this.buf.copy(next, 0, 0, this.end);
      this.buf = next;
    }
    const at = this.end;
    src.copy(this.buf, at, 0, len);
    this.end += len;
    return at;
  }
  fresh(sizeHint: number): RecordSpace {
    return new MemorySpace(sizeHint);
  }
  close(): void {}
}

/** Records in a file of their own, unlinked at once (it goes when the process does), appended in 4 MB writes. */
class DiskSpace implements RecordSpace {
  buf: Buffer;
  private readonly fd: number;
  private readonly pending = Buffer.allocUnsafe(4 << 20);
  private plen = 0;
  private flushed = 1; // file offset of pending[0]; offset 0 is never a record
  private readBuf = Buffer.allocUnsafe(512);
  constructor(private readonly dir: string) {
    const path = join(dir, `list-view-${process.pid}-${randomUUID()}.records`);
    this.fd = openSync(path, 'w+', 0o600);
    unlinkSync(path);
    this.buf = this.readBuf;
  }
  get end(): number {
    return this.flushed + this.plen;
  }
  view(at: number): number {
    if (at >= this.flushed) {
      this.buf = this.pending;
      return at - this.flushed;
    }
    let n = readSync(this.fd, this.readBuf, 0, 512, at);
    const need = 1 + this.readBuf[0]! * 64; // a row is at most 64 bytes
    if (need > n && n === 512) {
      if (this.readBuf.length < need) this.readBuf = Buffer.allocUnsafe(need);
      n = readSync(this.fd, this.readBuf, 0, need, at);
    }
    this.buf = this.readBuf;
    return 0;
  }
  append(src: Buffer, len: number): number {
    if (this.plen + len > this.pending.length) this.flush();
    const at = this.end;
    src.copy(this.pending, this.plen, 0, len);
    this.plen += len;
    return at;
  }
  private flush(): void {
    let off = 0;
    while (off < this.plen) off += writeSync(this.fd, this.pending, off, this.plen - off, this.flushed + off);
    this.flushed += this.plen;
    this.plen = 0;
  }
  fresh(): RecordSpace {
    return new DiskSpace(this.dir);
  }
  close(): void {
    closeSync(this.fd);
  }
}

export interface ListStoreOptions {
  /** Subjects expected, to size the table once instead of growing it. */
  expectedSubjects?: number;
  /** Keep the records in an (unlinked) file in this directory instead of memory. */
  recordsDir?: string;
}

export class ListStore {
  private cap: number;
  private keys: Uint32Array;
  private vals: Uint32Array; // record offset + 1; 0 = empty slot
  private used = 0;
  private space: RecordSpace;
  private garbage = 0;
  private rowCount = 0;
  private lastLength = 0;
  private readonly kw = new Uint32Array(KW);
  private readonly keyIds = new Interner();
  private readonly reasons = new Interner();
  private readonly topics = new Interner(['*']);
  private readonly sources = new Interner();
  private readonly details = new Interner();
  private readonly eventIds = new Interner();
  private scratch = Buffer.alloc(4096);

  constructor(opts: ListStoreOptions | number = {}) {
    const o = typeof opts === 'number' ? { expectedSubjects: opts } : opts;
    const expected = o.expectedSubjects ?? 1024;
    this.cap = Math.max(1024, Math.ceil(expected / MAX_LOAD) + 1);
    this.keys = new Uint32Array(this.cap * KW);
    this.vals = new Uint32Array(this.cap);
    this.space = o.recordsDir ? new DiskSpace(o.recordsDir) : new MemorySpace(expected * 32);
  }

  stats(): StoreStats {
    return {
      subjects: this.used,
      rows: this.rowCount,
      tableSlots: this.cap,
      arenaBytes: this.space.end,
      garbageBytes: this.garbage,
      records: this.space instanceof DiskSpace ? 'disk' : 'memory',
    };
  }

  /** Releases the record file (disk records); the store is not used afterwards. */
  close(): void {
    this.space.close();
  }

  /** Slot of the key in `kw`, or the empty slot where it would go (negative - 1). */
  private find(): number {
    const k = this.kw;
    const keys = this.keys;
    const vals = this.vals;
    const cap = this.cap;
    const k0 = k[0]!;
    const k1 = k[1]!;
    const k2 = k[2]!;
    let i = k0 % cap;
    for (;;) {
      if (vals[i] === EMPTY) return -i - 1;
      const o = i * KW;
      if (keys[o] === k0 && keys[o + 1] === k1 && keys[o + 2] === k2) return i;
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
    cursor = this.space.view(at);
    const a = this.space.buf;
    const n = a[cursor++]!;
    const out = new Array<StateRow>(n);
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
    if (slot < 0) {
      // A subject new to the list (every entry of a cold start from the compacted topic).
      const at = this.write([row]);
      this.rowCount++;
      if ((this.used + 1) / this.cap > MAX_LOAD) {
        this.grow();
        slot = this.find();
      }
      const i = -slot - 1;
      this.keys.set(this.kw, i * KW);
      this.vals[i] = at + 1;
      this.used++;
      return true;
    }
    const rows = this.decode(this.vals[slot]! - 1);
    const oldLength = this.lastLength;
    const same = rows.findIndex(
      (r) =>
        r.minor === row.minor &&
        (row.minor || (r.channel === row.channel && r.purpose === row.purpose && r.topic === row.topic)),
    );
    if (same >= 0) {
      const cur = rows[same]!;
      const wins = row.minor
        ? row.occurredMs + (row.sinceDelta ?? 0) < cur.occurredMs + (cur.sinceDelta ?? 0)
        : compareRank(rankOf(row), rankOf(cur)) > 0;
      if (!wins) return false;
      rows[same] = row;
    } else {
      rows.push(row);
      this.rowCount++;
    }
    const at = this.write(rows);
    this.garbage += oldLength;
    this.vals[slot] = at + 1;
    if (this.garbage > 1 << 16 && this.garbage > this.space.end / 2) this.compact();
    return true;
  }

  private encodeEntry(e: StoreEntry): RawRow {
    const channel = CHANNELS.indexOf(e.channel as (typeof CHANNELS)[number]);
    const purpose = PURPOSES.indexOf(e.purpose as (typeof PURPOSES)[number]);
    if (channel < 0 || purpose < 0) throw new Error(`unknown scope ${e.channel}/${e.purpose}`);
    const occurredMs = Date.parse(e.occurredAt);
    const uuid = UUID.test(e.eventId);
    return {
      channel,
      purpose,
      suppressed: e.suppressed,
      minor: e.minor === true,
      reason: this.reasons.id(e.reason),
      topic: this.topics.id(e.topic),
      source: this.sources.id(e.source),
      detail: e.detail ? this.details.id(JSON.stringify(e.detail)) + 1 : 0,
      eventId: uuid ? e.eventId.toLowerCase() : e.eventId,
      uuid,
      eventStr: uuid ? 0 : this.eventIds.id(e.eventId),
      occurredMs,
      sinceDelta: e.since ? Date.parse(e.since) - occurredMs : null,
      askMs: e.askAgainAfter ? Date.parse(e.askAgainAfter) : null,
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
      p = varint(b, p, r.detail * 2 + (r.uuid ? 0 : 1));
      b.writeUIntLE(r.occurredMs, p, 6);
      p += 6;
      if (r.sinceDelta !== null) p = varint(b, p, zigzag(r.sinceDelta));
      if (r.askMs !== null) {
        b.writeUIntLE(r.askMs, p, 6);
        p += 6;
      }
      if (r.uuid) p = writeUuid(b, p, r.eventId);
      else p = varint(b, p, r.eventStr);
    }
    return this.space.append(b, p);
  }

  /** The record's rows; its length in `lastLength`. */
  private decode(at: number): RawRow[] {
    cursor = this.space.view(at);
    const a = this.space.buf;
    const start = cursor;
    const n = a[cursor++]!;
    const out: RawRow[] = [];
    for (let i = 0; i < n; i++) {
      const f = a[cursor++]!;
      const reason = nextVarint(a);
      const topic = nextVarint(a);
      const source = nextVarint(a);
      const d = nextVarint(a);
      const occurredMs = a.readUIntLE(cursor, 6);
      cursor += 6;
      const sinceDelta = f & 64 ? unzigzag(nextVarint(a)) : null;
      let askMs: number | null = null;
      if (f & 128) {
        askMs = a.readUIntLE(cursor, 6);
        cursor += 6;
      }
      const uuid = (d & 1) === 0;
      let eventStr = 0;
      let eventId: string;
      if (uuid) {
        eventId = uuidAt(a, cursor);
        cursor += 16;
      } else {
        eventStr = nextVarint(a);
        eventId = this.eventIds.values[eventStr]!;
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
        eventId,
        uuid,
        eventStr,
        occurredMs,
        sinceDelta,
        askMs,
      });
    }
    this.lastLength = cursor - start;
    return out;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const oldCap = this.cap;
    this.cap = Math.ceil(oldCap * 1.5);
    this.keys = new Uint32Array(this.cap * KW);
    this.vals = new Uint32Array(this.cap);
    for (let i = 0; i < oldCap; i++) {
      const v = oldVals[i]!;
      if (v === EMPTY) continue;
      let j = oldKeys[i * KW]! % this.cap;
      while (this.vals[j] !== EMPTY) j = j + 1 === this.cap ? 0 : j + 1;
      this.keys.set(oldKeys.subarray(i * KW, i * KW + KW), j * KW);
      this.vals[j] = v;
    }
  }

  /** Moves the live records into a fresh space (changes leave their old record behind). */
  private compact(): void {
    const old = this.space;
    const next = old.fresh(Math.ceil((old.end - this.garbage) * 1.25));
    for (let i = 0; i < this.cap; i++) {
      const v = this.vals[i]!;
      if (v === EMPTY) continue;
      this.decode(v - 1); // for its length
      const from = old.view(v - 1);
      this.vals[i] = next.append(old.buf.subarray(from, from + this.lastLength), this.lastLength) + 1;
    }
    old.close();
    this.space = next;
    this.garbage = 0;
  }
}

function rankOf(r: RawRow) {
  return { occurredAt: new Date(r.occurredMs), suppressed: r.suppressed, eventId: r.eventId };
}

function varint(b: Buffer, p: number, v: number): number {
  while (v >= 0x80) {
    b[p++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  b[p++] = v;
  return p;
}

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

const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);
const unzigzag = (v: number) => (v % 2 === 0 ? v / 2 : -(v + 1) / 2);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function uuidAt(a: Buffer, p: number): string {
  const h = (i: number) => HEX[a[p + i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;
  NIBBLE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
/** A UUID's text (already checked) as its 16 bytes, without an intermediate buffer. */
function writeUuid(b: Buffer, p: number, id: string): number {
  let i = 0;
  for (let n = 0; n < 16; n++) {
    if (id.charCodeAt(i) === 45) i++; // '-'
    b[p++] = (NIBBLE[id.charCodeAt(i)]! << 4) | NIBBLE[id.charCodeAt(i + 1)]!;
    i += 2;
  }
  return p;
}
