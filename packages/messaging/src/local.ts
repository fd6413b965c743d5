// A Bus for one process over a partitioned log kept by a LogStore: in memory (unit tests) or in
// tables of the embedded database (`npm start`). Consumer groups, partition assignment and the
// consumer loop live here once; the batches go through the same runner as Kafka (same DLQ,
// retry, pause and commit-after-handler semantics). Group members are the consumers of this
// bus object: two processes must not consume one group through two bus objects.
import { safeErrorText } from './errors';
import { type BatchContext, processBatch } from './runner';
import {
  type Bus,
  type ConsumerHandle,
  type ConsumerOptions,
  dlqTopicOf,
  type Logger,
  type OutgoingMessage,
  type RawMessage,
  silentLogger,
  type TopicSpec,
  UnknownTopicError,
} from './types';

/** Where a local bus keeps its messages and the groups' committed offsets. */
export interface LogStore {
  /** Creates the topics (and partitions) that do not exist yet; existing ones are left as they are. */
  ensure(specs: { topic: string; partitions: number; compacted: boolean }[]): Promise<void>;
  /**
   * Appends in call order (per partition) and resolves once stored; the new end offset of each
   * partition written to. Throws `UnknownTopicError` when the topic does not exist.
   */
  append(topic: string, messages: OutgoingMessage[]): Promise<Map<number, number>>;
  /** The next offset of each partition (so its length is the partition count); undefined: no topic. */
  ends(topic: string): Promise<number[] | undefined>;
  /** Up to `max` messages of a partition from offset `from` on, in offset order. */
  read(topic: string, partition: number, from: number, max: number): Promise<RawMessage[]>;
  /** A group starts reading topics (a durable store keeps what the group has not read yet). */
  join(groupId: string, topics: string[]): Promise<void>;
  /** A group's committed next offsets on a topic, per partition (partitions never committed are absent). */
  committed(groupId: string, topic: string): Promise<Map<number, number>>;
  commit(groupId: string, topic: string, partition: number, next: number): Promise<void>;
  healthy(): Promise<boolean>;
}

export interface LocalBusOptions {
  /** Consumers look for messages published by others (another process) this often. */
  pollMs?: number;
  /** consume() creates missing source topics (1 partition), as the in-memory bus always did. */
  autoCreateTopics?: boolean;
  logger?: Logger;
}

export interface LocalBus extends Bus {
  /** The given topics that do not exist, in the order given. */
  missingTopics(topics: string[]): Promise<string[]>;
}

interface Member {
  topics: string[];
}

interface Group {
  /** "topic:partition" -> next offset to read (= the committed offset). */
  position: Map<string, number>;
  loaded: Set<string>; // topics whose committed offsets were read from the store
  members: Member[];
  /** Partitions a member has in hand: no other member of the group takes them meanwhile. */
  busy: Set<string>;
}

const pk = (topic: string, partition: number) => `${topic}:${partition}`;

export function createLocalBus(store: LogStore, opts: LocalBusOptions = {}): LocalBus {
  const pollMs = opts.pollMs ?? 1_000;
  const log = opts.logger ?? silentLogger;
  const groups = new Map<string, Group>();
  const waiters = new Set<() => void>();
  const handles = new Set<ConsumerHandle>();
  /** Known end offsets per partition: from our own appends, refreshed from the store on each poll. */
  const ends = new Map<string, number[]>();
  let closed = false;

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const refreshEnds = async (topic: string): Promise<number[]> => {
    const e = await store.ends(topic);
    if (!e) throw new UnknownTopicError(topic);
    ends.set(topic, e);
    return e;
  };

  const publish = async (topic: string, messages: OutgoingMessage[]) => {
    if (messages.length === 0) return;
    const written = await store.append(topic, messages);
    const known = ends.get(topic);
    if (known) for (const [p, end] of written) known[p] = Math.max(known[p] ?? 0, end);
    wake();
  };

  const ensureTopics = async (specs: TopicSpec[]) => {
    const wanted = new Map<string, { topic: string; partitions: number; compacted: boolean }>();
    for (const s of specs) {
      wanted.set(s.topic, {
        topic: s.topic,
        partitions: Math.max(1, s.partitions ?? 1),
        compacted: !!s.compacted,
      });
      const dlq = dlqTopicOf(s.topic);
      if ((s.dlq ?? true) && !s.topic.endsWith('.dlq') && !wanted.has(dlq)) {
        wanted.set(dlq, { topic: dlq, partitions: 1, compacted: false });
      }
    }
    await store.ensure([...wanted.values()]);
  };

  const consume = async <T>(copts: ConsumerOptions<T>): Promise<ConsumerHandle> => {
    if (closed) throw new Error('bus is closed');
    // The source topics must exist; their DLQs are made here if missing (as the Kafka adapter does).
    if (opts.autoCreateTopics) await ensureTopics(copts.topics.map((topic) => ({ topic, dlq: false })));
    const known = await Promise.all(copts.topics.map((t) => store.ends(t)));
    const missing = copts.topics.filter((_, i) => known[i] === undefined);
    if (missing.length > 0) throw new UnknownTopicError(missing.join(', '));
    copts.topics.forEach((t, i) => {
      ends.set(t, known[i] as number[]);
    });
    await ensureTopics(
      copts.topics.filter((t) => !t.endsWith('.dlq')).map((t) => ({ topic: dlqTopicOf(t), partitions: 1 })),
    );

    await store.join(copts.groupId, copts.topics);
    let group = groups.get(copts.groupId);
    if (!group) {
      group = { position: new Map(), loaded: new Set(), members: [], busy: new Set() };
      groups.set(copts.groupId, group);
    }
    const g = group;
    for (const topic of copts.topics) {
      if (g.loaded.has(topic)) continue;
      for (const [p, next] of await store.committed(copts.groupId, topic)) g.position.set(pk(topic, p), next);
      g.loaded.add(topic);
      // A group without committed offsets starts at the end when told so, as in Kafka.
      if (copts.fromBeginning === false) {
        for (const [p, end] of (ends.get(topic) ?? []).entries()) {
          if (g.position.has(pk(topic, p))) continue;
          await store.commit(copts.groupId, topic, p, end);
          g.position.set(pk(topic, p), end);
        }
      }
    }
    const member: Member = { topics: copts.topics };
    g.members.push(member);
    const maxBatch = Math.max(1, copts.maxBatchSize ?? 500);
    let stopping = false;
    let paused = false;

    // Partitions are dealt round-robin among the group's members, like a range of a rebalance.
    const assigned = (): [string, number][] => {
      const all: [string, number][] = [];
      for (const topic of [...new Set(g.members.flatMap((m) => m.topics))].sort()) {
        const count = ends.get(topic)?.length ?? 0;
        for (let p = 0; p < count; p++) all.push([topic, p]);
      }
      const i = g.members.indexOf(member);
      return all.filter(([topic], n) => n % g.members.length === i && member.topics.includes(topic));
    };

    const ctx: BatchContext = {
      heartbeat: async () => {},
      abandoned: () => stopping,
      publish,
      setPaused: (v) => {
        paused = v;
      },
    };

    const commit = async (topic: string, p: number, next: number) => {
      await store.commit(copts.groupId, topic, p, next);
      g.position.set(pk(topic, p), next);
    };

    /** One pass over the assigned partitions; `fresh` re-reads the end offsets from the store. */
    const step = async (fresh: boolean): Promise<boolean> => {
      if (fresh) for (const topic of copts.topics) await refreshEnds(topic);
      let didWork = false;
      for (const [topic, p] of assigned()) {
        if (stopping) return didWork;
        const k = pk(topic, p);
        const end = ends.get(topic)?.[p] ?? 0;
        const from = g.position.get(k) ?? 0;
        if (from >= end || g.busy.has(k)) continue;
        g.busy.add(k);
        try {
          const raws = await store.read(topic, p, from, maxBatch);
          const first = raws[0];
          if (!first) {
            // Nothing stored from `from` up to the end (removed by retention): skip the gap.
            await commit(topic, p, end);
            continue;
          }
          const done = await processBatch(copts, ctx, raws);
          const last = raws[done - 1];
          if (last) await commit(topic, p, Number(last.offset) + 1);
          copts.metrics?.lag?.set(
            { group: copts.groupId, topic, partition: String(p) },
            Math.max(0, (ends.get(topic)?.[p] ?? 0) - (g.position.get(k) ?? 0)),
          );
          didWork = true;
        } finally {
          g.busy.delete(k);
        }
      }
      return didWork;
    };

    const loop = (async () => {
      let fresh = false;
      while (!stopping) {
        let signal!: (timedOut: boolean) => void;
        const woken = new Promise<boolean>((r) => {
          signal = r;
        });
        const onWake = () => signal(false);
        waiters.add(onWake);
        const timer = setTimeout(() => signal(true), pollMs);
        try {
          if ((await step(fresh)) || stopping) fresh = false;
          else fresh = await woken;
        } catch (err) {
          log.error({ group: copts.groupId, err: safeErrorText(err) }, 'local consumer step failed');
          await new Promise((r) => setTimeout(r, Math.min(pollMs, 1_000)));
          fresh = true;
        } finally {
          clearTimeout(timer);
          waiters.delete(onWake);
        }
      }
    })();

    let stopped: Promise<void> | undefined;
    const handle: ConsumerHandle = {
      stop: () => {
        stopped ??= (async () => {
          stopping = true;
          wake();
          await loop;
          g.members.splice(g.members.indexOf(member), 1);
          handles.delete(handle);
          wake();
        })();
        return stopped;
      },
      ready: () => !stopping && !paused,
    };
    handles.add(handle);
    return handle;
  };

  return {
    publish,
    consume,
    ensureTopics,
    missingTopics: async (topics) => {
      const unique = [...new Set(topics)];
      const known = await Promise.all(unique.map((t) => store.ends(t)));
      return unique.filter((_, i) => known[i] === undefined);
    },
    healthy: () => store.healthy(),
    async close() {
      closed = true;
      await Promise.all([...handles].map((h) => h.stop()));
    },
  };
}
