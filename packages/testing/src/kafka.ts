// Kafka helpers for tests: a uniquely named topic per test, produce and consume.
import { randomBytes } from 'node:crypto';
import { type Admin, Kafka, type KafkaMessage, logLevel, Partitioners } from 'kafkajs';

export function kafkaClient(brokers: string, clientId = 'sp-test'): Kafka {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export async function withAdmin<T>(brokers: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates a fresh topic with a unique name (`prefix-<time>-<random>`) and returns its name. */
export async function createTopic(
  brokers: string,
  prefix: string,
  opts: { partitions?: number; config?: Record<string, string>; name?: string } = {},
): Promise<string> {
  const topic = opts.name ?? uniqueName(prefix);
  await withAdmin(brokers, async (admin) => {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: opts.partitions ?? 1,
            replicationFactor: 1,
            // Bounded like the platform's own topics (issue 15): 7 days for events, 30 for DLQs.
            configEntries: Object.entries({
              ...(opts.config?.['cleanup.policy']?.includes('compact')
                ? {}
                : { 'retention.ms': String((topic.endsWith('.dlq') ? 30 : 7) * 86_400_000) }),
              ...opts.config,
            }).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    } catch (err) {
      // A busy broker may answer the leader wait before the new topic's metadata is out
      // (UNKNOWN_TOPIC_OR_PARTITION): the topic was created; wait for its leaders instead.
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      await waitForLeaders(admin, topic);
    }
  });
  return topic;
}

async function waitForLeaders(admin: Admin, topic: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      if (topics[0]?.partitions.every((p) => p.leader >= 0)) return;
    } catch (err) {
      if (Date.now() > until) throw err;
    }
    if (Date.now() > until) throw new Error(`topic ${topic} has no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface TestMessage {
  key?: string | null;
  value: string | Buffer | object;
  headers?: Record<string, string>;
}

export async function produce(brokers: string, topic: string, messages: TestMessage[]): Promise<void> {
  const producer = kafkaClient(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const batch = 500;
    for (let i = 0; i < messages.length; i += batch) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + batch).map((m) => ({
          key: m.key ?? null,
          value: typeof m.value === 'string' || Buffer.isBuffer(m.value) ? m.value : JSON.stringify(m.value),
          headers: m.headers,
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumedMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export function toConsumed(partition: number, m: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return {
    partition,
    offset: m.offset,
    key: m.key?.toString() ?? null,
    value: m.value?.toString() ?? null,
    headers,
  };
}

/**
 * Reads a topic from the beginning with a throwaway group until `count` messages arrived or
 * `timeoutMs` passed; returns what it read (the caller asserts on it).
 */
export async function consumeAll(
  brokers: string,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<ConsumedMessage[]> {
  const consumer = kafkaClient(brokers).consumer({ groupId: uniqueName('sp-test-reader') });
  const got: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          got.push(toConsumed(partition, message));
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/** The envelope of an event as a test reads it back from a topic (JSON-parsed, not validated). */
export interface TestEnvelope<T = Record<string, unknown>> {
  id: string;
  type: string;
  source: string;
  occurredAt: string;
  data: T;
  evidence?: Record<string, unknown>;
}

/**
 * Reads `count` events (JSON values) of a topic from the beginning; throws, failing the test,
 * when fewer arrive within `timeoutMs`.
 */
export async function readEvents<T = Record<string, unknown>>(
  brokers: string,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<{ key: string | null; event: TestEnvelope<T> }[]> {
  const got = await consumeAll(brokers, topic, count, timeoutMs);
  if (got.length < count) throw new Error(`expected ${count} events on ${topic}, got ${got.length}`);
  return got.map((m) => ({ key: m.key, event: JSON.parse(m.value ?? 'null') as TestEnvelope<T> }));
}

/**
 * A topic's offsets per partition, asked again while the broker answers with a retriable error
 * (a fresh single-node broker under load may say "not the leader" for a moment after creation).
 */
export async function topicOffsets(
  admin: Admin,
  topic: string,
  timeoutMs = 30_000,
): Promise<{ partition: number; low: string; high: string }[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
