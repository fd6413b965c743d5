// The local view of the list: suppression.changelog.v1 materialized in a ListStore, answering
// checkMany() with the database check's own decide(), under a freshness contract.
//
// Freshness: every probe first asks the outbox (where it can: the database) for its oldest
// unpublished changelog row, then the broker for the topic's end offsets. Once the view has read
// up to those ends, it holds every list change committed before the probe (or before that oldest
// unpublished row, when the relay is behind). That moment is `freshAsOf`; when it is more than
// `maxLagMs` old, or the view has never caught up, checkMany() throws ListViewStale and callers
// fail closed as if the database were unreachable.
import { randomUUID } from 'node:crypto';
import type { Bus, ConsumerHandle, Delivered, EndOffsets, GaugeLike, Logger } from '@sp/messaging';
import { silentLogger } from '@sp/messaging';
import {
  CHANGELOG_TOPIC,
  type CheckQuery,
  type CheckResult,
  decide,
  type Keyer,
  type ListChecker,
  queryKeys,
  type StateRow,
} from '@sp/suppression';
import { ListStore, type StoreEntry } from './store';

/** Thrown by checkMany() when the view cannot vouch for being current: treat as "list unreachable". */
export class ListViewStale extends Error {
  override readonly name = 'ListViewStale';
}

/** The oldest unpublished changelog row's age, read from the database (null: nothing pending). */
export type OutboxProbe = () => Promise<{ pendingAgeMs: number | null }>;

export interface ListViewOptions {
  keyer: Keyer;
  defaultRegion?: string;
  /** Freshness bound: older than this and the view refuses to answer. Default 2,000 ms. */
  maxLagMs?: number;
  /** How often the high watermark (and outbox) is probed. Default 250 ms. */
  probeIntervalMs?: number;
  clock?: () => number;
  logger?: Logger;
  /** Subjects expected, to size the index once instead of growing it. */
  expectedSubjects?: number;
  /** Keep the subjects' records in an unlinked file in this directory, not in memory (LIST_VIEW_RECORDS_DIR). */
  recordsDir?: string;
}

export interface ListViewStatus {
  ready: boolean;
  /** Milliseconds since the moment up to which the view is known complete; null before the first catch-up. */
  lagMs: number | null;
  caughtUp: boolean;
  subjects: number;
  rows: number;
}

export class ListView implements ListChecker {
  readonly store: ListStore;
  private readonly positions = new Map<number, bigint>();
  private pending: { candidate: number; ends: Map<number, bigint> }[] = [];
  private freshAsOf: number | null = null;
  private readonly clock: () => number;
  readonly maxLagMs: number;

  constructor(private readonly opts: ListViewOptions) {
    this.store = new ListStore({
      ...(opts.expectedSubjects !== undefined ? { expectedSubjects: opts.expectedSubjects } : {}),
      ...(opts.recordsDir ? { recordsDir: opts.recordsDir } : {}),
    });
    this.clock = opts.clock ?? Date.now;
    this.maxLagMs = opts.maxLagMs ?? 2_000;
  }

  /** Merges changelog entries (a snapshot's rows or consumed messages). */
  ingest(entries: Iterable<StoreEntry>): void {
    for (const e of entries) this.store.upsert(e);
  }

  /** Records that partition `partition` has been read up to `nextOffset` (exclusive). */
  advance(partition: number, nextOffset: bigint): void {
    if ((this.positions.get(partition) ?? 0n) < nextOffset) this.positions.set(partition, nextOffset);
    this.settle();
  }

  /**
   * Registers a probe result: `ends` are the topic's end offsets read at `probedAt`, and the view
   * is complete up to `candidate` (<= probedAt) once it has read them.
   */
  observe(ends: Map<number, bigint>, candidate: number): void {
    this.pending.push({ candidate, ends });
    this.settle();
  }

  private settle(): void {
    const reached = (ends: Map<number, bigint>) => {
      for (const [p, end] of ends) if ((this.positions.get(p) ?? 0n) < end) return false;
      return true;
    };
    let keep = 0;
    for (let i = 0; i < this.pending.length; i++) {
      const probe = this.pending[i]!;
      if (reached(probe.ends)) {
        if (this.freshAsOf === null || probe.candidate > this.freshAsOf) this.freshAsOf = probe.candidate;
        keep = i + 1; // an older probe's ends are below a newer one's: settled too
      }
    }
    if (keep > 0) this.pending = this.pending.slice(keep);
    if (this.pending.length > 16) this.pending = this.pending.slice(-16);
  }

  status(): ListViewStatus {
    const s = this.store.stats();
    const lagMs = this.freshAsOf === null ? null : Math.max(0, this.clock() - this.freshAsOf);
    return {
      ready: lagMs !== null && lagMs <= this.maxLagMs,
      lagMs,
      caughtUp: this.freshAsOf !== null,
      subjects: s.subjects,
      rows: s.rows,
    };
  }

  /** The moment up to which the view is known to hold every committed change (null: never caught up). */
  completeAsOf(): number | null {
    return this.freshAsOf;
  }

  fresh(): boolean {
    return this.status().ready;
  }

  /** The database check's answers, from memory. Throws ListViewStale when not fresh. */
  async checkMany(qs: CheckQuery[]): Promise<CheckResult[]> {
    const st = this.status();
    if (!st.ready) {
      throw new ListViewStale(
        st.lagMs === null
          ? 'list view not caught up yet'
          : `list view ${st.lagMs} ms behind (bound ${this.maxLagMs} ms)`,
      );
    }
    return this.answer(qs);
  }

  /** Answers regardless of freshness (benchmarks, the equivalence test once caught up). */
  answer(qs: CheckQuery[]): CheckResult[] {
    const ctx = { keyer: this.opts.keyer, defaultRegion: this.opts.defaultRegion };
    const store = this.store;
    const out = new Array<CheckResult>(qs.length);
    for (let i = 0; i < qs.length; i++) {
      const q = qs[i]!;
      // The sender's gate passes the keys it computed when it prepared the message.
      const given = q.subjectKeys;
      let key: string;
      let rows: StateRow[];
      if (given !== undefined && given.length === 1) {
        key = given[0]!;
        rows = store.rowsOf(key);
      } else {
        const k = queryKeys(ctx, q);
        key = k.key;
        rows = k.keys.length === 1 ? store.rowsOf(key) : [];
        if (k.keys.length !== 1) for (const x of k.keys) store.rowsInto(x, rows);
      }
      if (rows.length === 0) out[i] = { subjectKey: key, allowed: true, reasons: [] };
      else {
        const d = decide(q, rows);
        out[i] = { subjectKey: key, allowed: d.allowed, reasons: d.reasons };
      }
    }
    return out;
  }
}

const SCOPE_CHANNELS = new Set(['email', 'sms', 'any']);
const SCOPE_PURPOSES = new Set(['marketing', 'all', 'sale_share']);
const isTime = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/**
 * The view's own topic, read by the million at a cold start: each value is checked for what the
 * store reads (types, known scope, parseable times) by hand rather than through the contract's
 * zod schema, which cost most of a cold start's CPU. What fails goes to the dead-letter topic.
 */
export function parseChangelogValue(
  raw: Buffer | null,
): { ok: true; value: StoreEntry } | { ok: false; error: string } {
  if (raw === null) return { ok: false, error: 'empty changelog value' };
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, error: 'changelog value is not JSON' };
  }
  if (typeof v !== 'object' || v === null) return { ok: false, error: 'changelog value is not an object' };
  const bad = (field: string) => ({ ok: false as const, error: `changelog value: bad ${field}` });
  if (typeof v.subjectKey !== 'string' || v.subjectKey.length === 0) return bad('subjectKey');
  if (typeof v.channel !== 'string' || !SCOPE_CHANNELS.has(v.channel)) return bad('channel');
  if (typeof v.purpose !== 'string' || !SCOPE_PURPOSES.has(v.purpose)) return bad('purpose');
  if (typeof v.topic !== 'string' || v.topic.length === 0) return bad('topic');
  if (typeof v.suppressed !== 'boolean') return bad('suppressed');
  if (typeof v.reason !== 'string') return bad('reason');
  if (typeof v.eventId !== 'string' || v.eventId.length === 0) return bad('eventId');
  if (typeof v.source !== 'string') return bad('source');
  if (!isTime(v.occurredAt)) return bad('occurredAt');
  if (v.since !== null && !isTime(v.since)) return bad('since');
  if (v.askAgainAfter !== undefined && v.askAgainAfter !== null && !isTime(v.askAgainAfter))
    return bad('askAgainAfter');
  if (
    v.detail !== undefined &&
    v.detail !== null &&
    (typeof v.detail !== 'object' || Array.isArray(v.detail))
  )
    return bad('detail');
  if (v.minor !== undefined && typeof v.minor !== 'boolean') return bad('minor');
  return { ok: true, value: v as unknown as StoreEntry };
}

export interface RunningListView {
  view: ListView;
  consumer: ConsumerHandle;
  /** Resolves once the view has caught up with the topic as it was when started. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads the compacted changelog from its beginning (a group of its own, so every process builds
 * its whole view; nothing needs the database) and tails it, probing ends and outbox.
 */
export async function startListView(
  opts: ListViewOptions & {
    bus: Bus;
    ends: EndOffsets;
    outbox?: OutboxProbe;
    topic?: string;
    view?: ListView;
    /** list_view_lag_seconds (-1 before the first catch-up), list_view_ready (0/1), list_view_subjects. */
    gauges?: { lag?: GaugeLike; ready?: GaugeLike; subjects?: GaugeLike };
  },
): Promise<RunningListView> {
  const topic = opts.topic ?? CHANGELOG_TOPIC;
  const log = opts.logger ?? silentLogger;
  const view = opts.view ?? new ListView(opts);
  const clock = opts.clock ?? Date.now;
  const consumer = await opts.bus.consume<StoreEntry>({
    groupId: `list-view-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    maxBatchSize: 5_000,
    validate: (_t, raw) => parseChangelogValue(raw),
    handle: async (batch: Delivered<StoreEntry>[]) => {
      const last = new Map<number, bigint>();
      for (const m of batch) {
        view.store.upsert(m.value);
        last.set(m.partition, BigInt(m.offset) + 1n);
      }
      for (const [p, next] of last) view.advance(p, next);
    },
    logger: log,
  });

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const probe = async () => {
    try {
      const started = clock();
      let candidate = started;
      if (opts.outbox) {
        // The database unreachable: changes it committed before may still wait in its outbox, so
        // this probe vouches for nothing (the view goes stale past its bound; senders fail closed
        // as they do without a view when the list's database is down).
        const { pendingAgeMs } = await opts.outbox();
        if (pendingAgeMs !== null) candidate = started - pendingAgeMs;
      }
      const ends = await opts.ends.ends(topic);
      view.observe(ends, candidate);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'list view: probe failed');
    } finally {
      const st = view.status();
      opts.gauges?.lag?.set({}, st.lagMs === null ? -1 : st.lagMs / 1000);
      opts.gauges?.ready?.set({}, st.ready ? 1 : 0);
      opts.gauges?.subjects?.set({}, st.subjects);
      if (!stopped) timer = setTimeout(() => void probe(), opts.probeIntervalMs ?? 250);
    }
  };
  void probe();

  return {
    view,
    consumer,
    caughtUp: (timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const deadline = clock() + timeoutMs;
        const check = () => {
          if (view.status().caughtUp) resolve();
          else if (stopped) reject(new Error('list view stopped'));
          else if (clock() > deadline) reject(new Error(`list view not caught up after ${timeoutMs} ms`));
          else setTimeout(check, 20);
        };
        check();
      }),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await consumer.stop();
      await opts.ends.close();
    },
  };
}
