// The in-process Bus for the embedded (standalone) mode and unit tests: per-topic partitioned
// logs and committed offsets per group, driven by the same runner as Kafka (same DLQ, retry,
// pause and commit-after-handler semantics). Nothing survives the process.
import { createHash } from 'node:crypto';
import { encodeValue } from './codec';
import { safeErrorText } from './errors';
import { type BatchContext, processBatch, type RawMessage } from './runner';
import {
  type Bus,
  type ConsumerHandle,
  type ConsumerOptions,
  dlqTopicOf,
  type OutgoingMessage,
  silentLogger,
  type TopicSpec,
} from './types';

interface StoredTopic {
  partitions: RawMessage[][];
  compacted: boolean;
}

interface Member {
  id: number;
  topics: string[];
}

interface Group {
  committed: Map<string, number>; // "topic:partition" -> next offset
  members: Member[];
}

function partitionFor(key: string | null, partitions: number, roundRobin: number): number {
  if (partitions <= 1) return 0;
  if (key === null) return roundRobin % partitions;
  return createHash('sha1').update(key).digest().readUInt32BE(0) % partitions;
}

export interface MemoryBus extends Bus {
  /** Everything ever published to a topic, in partition then offset order (for tests and tools). */
  read(topic: string): RawMessage[];
  /** The committed next offset of a group on a topic partition (undefined when none). */
  committed(groupId: string, topic: string, partition?: number): number | undefined;
}

export function createMemoryBus(): MemoryBus {
  const topics = new Map<string, StoredTopic>();
  const groups = new Map<string, Group>();
  const waiters = new Set<() => void>();
  const handles = new Set<ConsumerHandle>();
  let nextMember = 1;
  let rr = 0;

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const topicOf = (name: string, partitions = 1, compacted = false): StoredTopic => {
    let t = topics.get(name);
    if (!t) {
      t = { partitions: Array.from({ length: Math.max(1, partitions) }, () => []), compacted };
      topics.set(name, t);
    }
    return t;
  };

  const publish = async (topic: string, messages: OutgoingMessage[]) => {
    const t = topicOf(topic);
    for (const m of messages) {
      const p = partitionFor(m.key, t.partitions.length, rr++);
      const log = t.partitions[p] as RawMessage[];
      const value = encodeValue(m.value);
      log.push({
        topic,
        partition: p,
        offset: String(log.length),
        key: m.key,
        headers: { ...(m.headers ?? {}) },
        value: Buffer.isBuffer(value) ? Buffer.from(value) : Buffer.from(value, 'utf8'),
        timestamp: String(Date.now()),
      });
    }
    wake();
  };

  const ensureTopics = async (specs: TopicSpec[]) => {
    for (const s of specs) {
      topicOf(s.topic, s.partitions ?? 1, s.compacted ?? false);
      if ((s.dlq ?? true) && !s.topic.endsWith('.dlq')) topicOf(dlqTopicOf(s.topic));
    }
  };

  const consume = async <T>(opts: ConsumerOptions<T>): Promise<ConsumerHandle> => {
    await ensureTopics(opts.topics.map((topic) => ({ topic })));
    let group = groups.get(opts.groupId);
    if (!group) {
      group = { committed: new Map(), members: [] };
      groups.set(opts.groupId, group);
    }
    const g = group;
    const member: Member = { id: nextMember++, topics: opts.topics };
    g.members.push(member);
    // A new group without fromBeginning starts at the end of each partition, as in Kafka.
    if (opts.fromBeginning === false) {
      for (const topic of opts.topics) {
        topicOf(topic).partitions.forEach((log, p) => {
          const k = `${topic}:${p}`;
          if (!g.committed.has(k)) g.committed.set(k, log.length);
        });
      }
    }
    const maxBatch = Math.max(1, opts.maxBatchSize ?? 500);
    const log = opts.logger ?? silentLogger;
    let stopping = false;
    let paused = false;

    // Partitions are dealt round-robin among the group's members, like a range of a rebalance.
    const assigned = (): [string, number][] => {
      const all: [string, number][] = [];
      for (const topic of [...new Set(g.members.flatMap((m) => m.topics))].sort()) {
        for (let p = 0; p < topicOf(topic).partitions.length; p++) all.push([topic, p]);
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

    const step = async (): Promise<boolean> => {
      let didWork = false;
      for (const [topic, p] of assigned()) {
        if (stopping) return didWork;
        const k = `${topic}:${p}`;
        const from = g.committed.get(k) ?? 0;
        const partitionLog = topicOf(topic).partitions[p] ?? [];
        if (from >= partitionLog.length) continue;
        const raws = partitionLog.slice(from, from + maxBatch);
        const done = await processBatch(opts, ctx, raws);
        if (done > 0) g.committed.set(k, from + done);
        opts.metrics?.lag?.set(
          { group: opts.groupId, topic, partition: String(p) },
          partitionLog.length - (from + done),
        );
        didWork = true;
      }
      return didWork;
    };

    const loop = (async () => {
      while (!stopping) {
        let signal!: () => void;
        const woken = new Promise<void>((r) => {
          signal = r;
        });
        waiters.add(signal);
        try {
          if (!(await step()) && !stopping) await woken;
        } catch (err) {
          log.error({ group: opts.groupId, err: safeErrorText(err) }, 'in-process consumer step failed');
          await new Promise((r) => setTimeout(r, 100));
        } finally {
          waiters.delete(signal);
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
    missingTopics: async (names) => [...new Set(names)].filter((t) => !topics.has(t)),
    healthy: async () => true,
    async close() {
      await Promise.all([...handles].map((h) => h.stop()));
    },
    read: (topic) => topics.get(topic)?.partitions.flat() ?? [],
    committed: (groupId, topic, partition = 0) => groups.get(groupId)?.committed.get(`${topic}:${partition}`),
  };
}
