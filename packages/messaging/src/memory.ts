// The in-process Bus for unit tests: per-topic partitioned logs and committed offsets per group
// in memory, driven by the local bus (same runner, DLQ, retry, pause and commit-after-handler
// semantics as Kafka). Nothing survives the process: `npm start` uses the table bus instead.
import { createHash } from 'node:crypto';
import { encodeValue } from './codec';
import { createLocalBus, type LocalBus, type LogStore } from './local';
import type { RawMessage } from './types';

interface StoredTopic {
  partitions: RawMessage[][];
  compacted: boolean;
}

/** Kafka's rule in spirit: one key always lands on one partition; keyless messages go round-robin. */
export function partitionFor(key: string | null, partitions: number, roundRobin: number): number {
  if (partitions <= 1) return 0;
  if (key === null) return roundRobin % partitions;
  return createHash('sha1').update(key).digest().readUInt32BE(0) % partitions;
}

/** The stored bytes of a message value (a Buffer copy, or the UTF-8 of a string or JSON). */
export function valueBytes(value: unknown): Buffer {
  const v = encodeValue(value);
  return Buffer.isBuffer(v) ? Buffer.from(v) : Buffer.from(v, 'utf8');
}

export interface MemoryBus extends LocalBus {
  /** Everything ever published to a topic, in partition then offset order (for tests and tools). */
  read(topic: string): RawMessage[];
  /** The committed next offset of a group on a topic partition (undefined when none). */
  committed(groupId: string, topic: string, partition?: number): number | undefined;
}

export function createMemoryBus(): MemoryBus {
  const topics = new Map<string, StoredTopic>();
  const commits = new Map<string, Map<string, number>>(); // group -> "topic:partition" -> next offset
  let rr = 0;

  const topicOf = (name: string, partitions = 1, compacted = false): StoredTopic => {
    let t = topics.get(name);
    if (!t) {
      t = { partitions: Array.from({ length: Math.max(1, partitions) }, () => []), compacted };
      topics.set(name, t);
    }
    return t;
  };

  const store: LogStore = {
    ensure: async (specs) => {
      for (const s of specs) topicOf(s.topic, s.partitions, s.compacted);
    },
    append: async (topic, messages) => {
      const t = topicOf(topic);
      const written = new Map<number, number>();
      for (const m of messages) {
        const p = partitionFor(m.key, t.partitions.length, rr++);
        const log = t.partitions[p] as RawMessage[];
        log.push({
          topic,
          partition: p,
          offset: String(log.length),
          key: m.key,
          headers: { ...(m.headers ?? {}) },
          value: valueBytes(m.value),
          timestamp: String(Date.now()),
        });
        written.set(p, log.length);
      }
      return written;
    },
    ends: async (topic) => topics.get(topic)?.partitions.map((log) => log.length),
    read: async (topic, partition, from, max) =>
      (topics.get(topic)?.partitions[partition] ?? []).slice(from, from + max),
    join: async () => {},
    committed: async (groupId, topic) => {
      const out = new Map<number, number>();
      for (const [k, next] of commits.get(groupId) ?? []) {
        const at = k.lastIndexOf(':');
        if (k.slice(0, at) === topic) out.set(Number(k.slice(at + 1)), next);
      }
      return out;
    },
    commit: async (groupId, topic, partition, next) => {
      let g = commits.get(groupId);
      if (!g) {
        g = new Map();
        commits.set(groupId, g);
      }
      g.set(`${topic}:${partition}`, next);
    },
    healthy: async () => true,
  };

  return {
    ...createLocalBus(store, { autoCreateTopics: true, pollMs: 60_000 }),
    read: (topic) => topics.get(topic)?.partitions.flat() ?? [],
    committed: (groupId, topic, partition = 0) => commits.get(groupId)?.get(`${topic}:${partition}`),
  };
}
