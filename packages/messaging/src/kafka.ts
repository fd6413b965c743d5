// The Bus on Apache Kafka through kafkajs. kafkajs is imported nowhere else (but the test
// helpers), so the client can be swapped by rewriting this file.
import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { createCoalescer, type PartitionLag, type PartitionSource, startLagReporter } from './coalesce';
import { encodeValue } from './codec';
import { processBatch, type RawMessage } from './runner';
import {
  type Bus,
  type ConsumerHandle,
  type ConsumerOptions,
  DEFAULT_RETENTION,
  dlqTopicOf,
  type Logger,
  type OutgoingMessage,
  silentLogger,
  type TopicRetention,
  type TopicSpec,
  topicConfig,
  UnknownTopicError,
} from './types';

const HEALTH_TIMEOUT_MS = 3_000;

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger?: Logger;
  /** Retention of the topics this bus creates (EVENT_RETENTION_MS, DLQ_RETENTION_MS); default 7 / 30 days. */
  retention?: Partial<TopicRetention>;
  /** How often each consumer measures its lag (gauge and an info log line); default 30 s. */
  lagIntervalMs?: number;
}

const DEFAULT_LAG_INTERVAL_MS = 30_000;
/** More partitions than any consumer here is assigned: every batch of a fetch is in hand at once. */
const MAX_CONCURRENT_PARTITIONS = 256;
/**
 * Fetches large enough to fill a batch of a few thousand events from every partition in one
 * round trip (kafkajs' defaults are 1 MiB a partition, 10 MiB a fetch). minBytes stays 1, so a
 * lone event is fetched at once (R-EM-1 latency); maxWaitTimeInMs bounds an idle fetch, which a
 * stop() waits for.
 */
const fetchSizes = {
  maxBytesPerPartition: 4 * 2 ** 20,
  maxBytes: 32 * 2 ** 20,
  minBytes: 1,
  maxWaitTimeInMs: 1_000,
};

function toRecord(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}

function toKafkaMessage(m: OutgoingMessage): Message {
  return { key: m.key, value: encodeValue(m.value), headers: m.headers };
}

function toRaw(topic: string, partition: number, m: KafkaMessage): RawMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key?.toString() ?? null,
    headers: toRecord(m.headers),
    value: m.value,
    timestamp: m.timestamp,
  };
}

export function createKafkaBus(opts: KafkaBusOptions): Bus {
  const log = opts.logger ?? silentLogger;
  const retention: TopicRetention = { ...DEFAULT_RETENTION, ...opts.retention };
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        const obj = { kafkajs: true, ...rest };
        if (level === logLevel.ERROR) log.error(obj, message);
        else if (level === logLevel.WARN) log.warn(obj, message);
      },
  });

  let producerReady: Promise<Producer> | undefined;
  let adminReady: Promise<Admin> | undefined;
  const handles = new Set<ConsumerHandle>();
  let closed = false;

  const getProducer = () => {
    producerReady ??= (async () => {
      // One request in flight keeps the order of messages of one key even across retries.
      const p = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        maxInFlightRequests: 1,
      });
      await p.connect();
      return p;
    })().catch((err) => {
      producerReady = undefined;
      throw err;
    });
    return producerReady;
  };

  const getAdmin = () => {
    adminReady ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })().catch((err) => {
      adminReady = undefined;
      throw err;
    });
    return adminReady;
  };

  const missingTopics = async (topics: string[]) => {
    const existing = new Set(await (await getAdmin()).listTopics());
    return [...new Set(topics)].filter((t) => !existing.has(t));
  };

  // Topics seen to exist. A send to a missing topic would spend kafkajs' whole retry schedule
  // (tens of seconds) on metadata errors; one listing says so at once, and the runner's bounded
  // retry decides what happens next.
  const knownTopics = new Set<string>();
  const publish = async (topic: string, messages: OutgoingMessage[]) => {
    if (messages.length === 0) return;
    if (!knownTopics.has(topic)) {
      if ((await missingTopics([topic])).length > 0) throw new UnknownTopicError(topic);
      knownTopics.add(topic);
    }
    const p = await getProducer();
    await p.send({ topic, acks: -1, messages: messages.map(toKafkaMessage) });
  };

  const ensureTopics = async (specs: TopicSpec[]) => {
    const a = await getAdmin();
    const wanted = new Map<string, TopicSpec>();
    for (const s of specs) {
      wanted.set(s.topic, s);
      if ((s.dlq ?? true) && !s.topic.endsWith('.dlq')) {
        const d = dlqTopicOf(s.topic);
        if (!wanted.has(d)) wanted.set(d, { topic: d, partitions: 1 });
      }
    }
    const existing = new Set(await a.listTopics());
    const missing = [...wanted.values()].filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    try {
      await a.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions ?? -1,
          replicationFactor: -1,
          configEntries: Object.entries(topicConfig(s, retention)).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (err) {
      // A busy broker can answer kafkajs's leader wait before the new topics' metadata is out;
      // they were created, so wait for their leaders here instead of failing the start.
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      await waitForLeaders(
        a,
        missing.map((s) => s.topic),
      );
    }
  };

  const consume = async <T>(copts: ConsumerOptions<T>): Promise<ConsumerHandle> => {
    if (closed) throw new Error('bus is closed');
    // The source topics must exist (no auto-creation); their DLQs are made here if missing.
    await ensureTopics(
      copts.topics.filter((t) => !t.endsWith('.dlq')).map((t) => ({ topic: dlqTopicOf(t), partitions: 1 })),
    );
    const consumer: Consumer = kafka.consumer({
      groupId: copts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      rebalanceTimeout: 15_000,
      heartbeatInterval: 1_000,
      ...fetchSizes,
    });
    const clog = copts.logger ?? log;
    let joined = false;
    let paused = false;
    let stopping = false;
    let stopped: Promise<void> | undefined;
    /** Partitions assigned to this member, by topic (from the last join). */
    let assigned: Record<string, number[]> = {};
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      joined = true;
      assigned = e.payload.memberAssignment;
    });
    consumer.on(consumer.events.CRASH, (e) => {
      joined = false;
      log.error({ group: copts.groupId, err: String(e.payload.error) }, 'consumer crashed');
    });
    await consumer.connect();
    await consumer.subscribe({ topics: copts.topics, fromBeginning: copts.fromBeginning ?? true });

    const setLag = (topic: string, partition: number, lag: bigint) =>
      copts.metrics?.lag?.set(
        { group: copts.groupId, topic, partition: String(partition) },
        Number(lag < 0n ? 0n : lag),
      );
    const coalescer = createCoalescer({
      maxBatch: Math.max(1, copts.maxBatchSize ?? 500),
      process: (ctx, raws) => processBatch(copts, ctx, raws),
      publish,
      stopping: () => stopping,
      setPaused: (v) => {
        paused = v;
      },
      setLag,
    });

    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition of a fetch is handed over at once, so the coalescer can join them.
      partitionsConsumedConcurrently: MAX_CONCURRENT_PARTITIONS,
      eachBatch: async (p) => {
        const { batch } = p;
        if (batch.messages.length === 0) return;
        const source: PartitionSource = {
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          resolveOffset: (offset) => p.resolveOffset(offset),
          heartbeat: () => p.heartbeat(),
          commit: () => p.commitOffsetsIfNecessary(p.uncommittedOffsets()),
          gone: () => !p.isRunning() || p.isStale(),
        };
        await coalescer.submit(
          source,
          batch.messages.map((m) => toRaw(batch.topic, batch.partition, m)),
        );
      },
    });

    // Consumer lag from the broker: the committed offset of each assigned partition against its
    // end, so messages waiting behind a paused or stuck consumer show too.
    const lagTimer = startLagReporter({
      intervalMs: opts.lagIntervalMs ?? DEFAULT_LAG_INTERVAL_MS,
      measure: async () => {
        const topics = Object.keys(assigned).filter((t) => (assigned[t]?.length ?? 0) > 0);
        if (topics.length === 0 || stopping) return [];
        const a = await getAdmin();
        const committed = await a.fetchOffsets({ groupId: copts.groupId, topics });
        const out: PartitionLag[] = [];
        for (const topic of topics) {
          const ends = await a.fetchTopicOffsets(topic);
          const mine = new Set(assigned[topic]);
          const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
          for (const end of ends) {
            if (!mine.has(end.partition)) continue;
            const c = BigInt(done.find((d) => d.partition === end.partition)?.offset ?? '-1');
            const from = c >= 0n ? c : BigInt(end.low);
            out.push({ topic, partition: end.partition, lag: BigInt(end.high) - from });
          }
        }
        return out;
      },
      report: (lags) => {
        for (const l of lags) setLag(l.topic, l.partition, l.lag);
        const total = lags.reduce((n, l) => n + l.lag, 0n);
        clog.info(
          {
            group: copts.groupId,
            lag: Number(total),
            partitions: Object.fromEntries(lags.map((l) => [`${l.topic}:${l.partition}`, Number(l.lag)])),
          },
          'consumer lag',
        );
      },
      onError: (err) => clog.warn({ group: copts.groupId, err: String(err) }, 'consumer lag: not measured'),
    });

    const handle: ConsumerHandle = {
      stop: () => {
        stopped ??= (async () => {
          stopping = true;
          lagTimer.stop();
          // disconnect() waits for the batch in hand (which commits), then leaves the group.
          await consumer.disconnect();
          joined = false;
          handles.delete(handle);
        })();
        return stopped;
      },
      ready: () => joined && !paused && !stopping,
    };
    handles.add(handle);
    return handle;
  };

  return {
    publish,
    consume,
    ensureTopics,
    missingTopics,
    async healthy() {
      // /readyz must answer fast even when the broker is gone and kafkajs keeps retrying.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), HEALTH_TIMEOUT_MS);
      });
      const probe = (async () => {
        const a = await getAdmin();
        await a.describeCluster();
        return true;
      })().catch(() => false);
      try {
        return await Promise.race([probe, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      await Promise.all([...handles].map((h) => h.stop()));
      await Promise.all([
        producerReady?.then((p) => p.disconnect()).catch(() => {}),
        adminReady?.then((a) => a.disconnect()).catch(() => {}),
      ]);
      producerReady = undefined;
      adminReady = undefined;
    },
  };
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const settled = await admin
      .fetchTopicMetadata({ topics })
      .then((m) => m.topics.every((t) => t.partitions.every((p) => p.leader >= 0)))
      .catch(() => false);
    if (settled) return;
    if (Date.now() > until)
      throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
