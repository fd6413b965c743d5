// The behaviour every Bus adapter must show, run against Kafka (real broker) and the
// in-process bus with the same handlers.
import { randomUUID } from 'node:crypto';
import { uniqueName, waitFor } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Bus,
  type ConsumerHandle,
  type ConsumerOptions,
  type Delivered,
  DLQ_HEADERS,
  dlqTopicOf,
  type OutboxRow,
  PoisonMessages,
  startOutboxRelay,
} from '../src/index';

export interface Harness {
  bus: Bus;
  /** A fresh topic of its own (unique name). */
  topic(prefix: string, opts?: { partitions?: number; compacted?: boolean }): Promise<string>;
  /** Next offset committed by a group on partition 0 of a topic, or undefined. */
  committed(groupId: string, topic: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface Ping {
  id: string;
  type: 'test.ping';
  data: { n: number };
}

/** A hand-written validator in the shape of @sp/contracts' parseMessage. */
export function validatePing(
  _topic: string,
  raw: Buffer | null,
): { ok: true; value: Ping } | { ok: false; error: string } {
  if (raw === null) return { ok: false, error: 'empty message' };
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, error: 'invalid JSON' };
  }
  if (typeof v !== 'object' || v === null) return { ok: false, error: 'expected an object' };
  const o = v as Record<string, unknown>;
  if (o.type !== 'test.ping')
    return { ok: false, error: `type: unknown event type ${JSON.stringify(o.type)}` };
  const data = o.data as Record<string, unknown> | undefined;
  if (typeof data?.n !== 'number') return { ok: false, error: 'data.n: expected number' };
  if (typeof o.id !== 'string') return { ok: false, error: 'id: expected string' };
  return { ok: true, value: o as unknown as Ping };
}

export const ping = (n: number, key: string | null = 'k'): { key: string | null; value: Ping } => ({
  key,
  value: { id: randomUUID(), type: 'test.ping', data: { n } },
});

class TestValidationError extends Error {
  override readonly name = 'ValidationError';
}
class OutageError extends Error {}

const group = () => `g-${randomUUID()}`;
const fast = { initialMs: 20, maxMs: 200 };

/** `Harness.topic` for a bus that makes topics itself (the in-process buses): a fresh name, ensured. */
export function ensuredTopic(bus: Bus): Harness['topic'] {
  return async (prefix, opts = {}) => {
    const topic = uniqueName(prefix);
    await bus.ensureTopics([{ topic, partitions: opts.partitions ?? 1, compacted: opts.compacted ?? false }]);
    return topic;
  };
}

export function busContract(name: string, makeHarness: () => Promise<Harness>): void {
  describe(`Bus contract: ${name}`, () => {
    let h: Harness;
    const handles: ConsumerHandle[] = [];
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await Promise.all(handles.map((x) => x.stop()));
      await h?.close();
    });
    const consume = async <T>(opts: ConsumerOptions<T>) => {
      const handle = await h.bus.consume(opts);
      handles.push(handle);
      return handle;
    };
    /** Reads a DLQ (or any topic) raw, without validation. */
    const readAll = async (topic: string, count: number) => {
      const got: Delivered<Buffer | null>[] = [];
      const c = await consume({
        groupId: group(),
        topics: [topic],
        validate: (_t, raw) => ({ ok: true, value: raw }),
        handle: async (batch) => {
          got.push(...batch);
        },
      });
      await waitFor(`${count} messages on ${topic}`, () => got.length >= count);
      await c.stop();
      return got;
    };

    it('publishes and delivers with keys, values and trace headers intact', async () => {
      const topic = await h.topic('roundtrip');
      const got: Delivered<Ping>[] = [];
      await consume({
        groupId: group(),
        topics: [topic],
        validate: validatePing,
        handle: async (batch) => void got.push(...batch),
      });
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const sent = [ping(1, 'a'), ping(2, 'b'), ping(3, 'a')];
      await h.bus.publish(
        topic,
        sent.map((m) => ({ ...m, headers: { traceparent } })),
      );
      await waitFor('3 deliveries', () => got.length === 3);
      expect(got.map((d) => d.value.data.n).sort()).toEqual([1, 2, 3]);
      for (const d of got) {
        expect(d.topic).toBe(topic);
        expect(d.headers.traceparent).toBe(traceparent);
        expect(d.key).toBe(sent.find((s) => s.value.id === d.value.id)?.key);
      }
    });

    it('dead-letters bad JSON, wrong schema and unknown types with reason headers; neighbours are handled', async () => {
      const topic = await h.topic('dlq');
      const handled: number[] = [];
      const counts: Record<string, number> = {};
      const counter = (name: string) => ({
        inc: (_labels: Record<string, string>, n = 1) => {
          counts[name] = (counts[name] ?? 0) + n;
        },
      });
      await consume({
        groupId: group(),
        topics: [topic],
        validate: validatePing,
        metrics: {
          consumed: counter('consumed'),
          applied: counter('applied'),
          deadLettered: counter('dead'),
        },
        handle: async (batch) => void handled.push(...batch.map((d) => d.value.data.n)),
      });
      await h.bus.publish(topic, [
        { ...ping(1) },
        { key: 'k', value: '{"type": "test.ping", "data": ', headers: { traceparent: 'tp-1' } },
        { ...ping(2) },
        { key: 'k', value: { id: randomUUID(), type: 'test.ping', data: { n: 'two' } } },
        { key: 'k', value: { id: randomUUID(), type: 'test.unknown', data: { n: 3 } } },
        { ...ping(3) },
      ]);
      await waitFor('the good messages', () => handled.length === 3);
      expect(handled).toEqual([1, 2, 3]);
      const dead = await readAll(dlqTopicOf(topic), 3);
      expect(counts).toEqual({ consumed: 6, applied: 3, dead: 3 });
      expect(dead.map((d) => d.headers[DLQ_HEADERS.error])).toEqual([
        'invalid JSON',
        'data.n: expected number',
        'type: unknown event type "test.unknown"',
      ]);
      expect(dead.map((d) => d.headers[DLQ_HEADERS.offset])).toEqual(['1', '3', '4']);
      for (const d of dead) {
        expect(d.headers[DLQ_HEADERS.sourceTopic]).toBe(topic);
        expect(d.headers[DLQ_HEADERS.partition]).toBe('0');
        expect(Number.isNaN(Date.parse(d.headers[DLQ_HEADERS.at] ?? ''))).toBe(false);
        expect(d.key).toBe('k');
      }
      // The original bytes and headers travel along.
      expect(dead[0]?.value?.toString()).toBe('{"type": "test.ping", "data": ');
      expect(dead[0]?.headers.traceparent).toBe('tp-1');
    });

    it('lets a handler reject single messages (PoisonMessages, ValidationError) and applies the rest', async () => {
      const topic = await h.topic('poison');
      const applied: number[] = [];
      await consume({
        groupId: group(),
        topics: [topic],
        validate: validatePing,
        retry: fast,
        handle: async (batch) => {
          const bad = batch.filter((d) => d.value.data.n === 2);
          if (bad.length)
            throw new PoisonMessages(bad.map((message) => ({ message, error: 'n=2 is refused' })));
          if (batch.some((d) => d.value.data.n === 4)) throw new TestValidationError('n=4 is invalid');
          applied.push(...batch.map((d) => d.value.data.n));
        },
      });
      await h.bus.publish(topic, [ping(1), ping(2), ping(3), ping(4), ping(5)]);
      const dead = await readAll(dlqTopicOf(topic), 2);
      await waitFor('the rest applied', () => new Set(applied).size >= 3);
      expect([...new Set(applied)].sort()).toEqual([1, 3, 5]);
      expect(dead.map((d) => d.headers[DLQ_HEADERS.error]).sort()).toEqual([
        'n=2 is refused',
        'n=4 is invalid',
      ]);
    });

    it('retries a transient handler error without committing, then applies each message once', async () => {
      const topic = await h.topic('transient');
      const groupId = group();
      const applied = new Map<string, number>();
      let failures = 0;
      const committedWhileFailing: (number | undefined)[] = [];
      await consume({
        groupId,
        topics: [topic],
        validate: validatePing,
        retry: fast,
        handle: async (batch) => {
          if (failures < 3) {
            failures++;
            committedWhileFailing.push(await h.committed(groupId, topic));
            throw new Error('deadlock detected (transient)');
          }
          // Stands for the database transaction: all of the batch or nothing.
          for (const d of batch) applied.set(d.value.id, (applied.get(d.value.id) ?? 0) + 1);
        },
      });
      const sent = [ping(1), ping(2), ping(3)];
      await h.bus.publish(topic, sent);
      await waitFor('all applied', () => applied.size === 3);
      await waitFor('offsets committed', async () => (await h.committed(groupId, topic)) === 3);
      expect(committedWhileFailing).toEqual([undefined, undefined, undefined]);
      expect([...applied.values()]).toEqual([1, 1, 1]);
      expect([...applied.keys()].sort()).toEqual(sent.map((s) => s.value.id).sort());
    });

    it('pauses during an outage (not ready), probes, and resumes when the dependency is back', async () => {
      const topic = await h.topic('outage');
      let dbUp = false;
      let probes = 0;
      const applied: number[] = [];
      const handle = await consume({
        groupId: group(),
        topics: [topic],
        validate: validatePing,
        retry: fast,
        isOutage: (err) => err instanceof OutageError,
        probe: async () => {
          probes++;
          if (!dbUp) throw new OutageError('connection refused');
        },
        handle: async (batch) => {
          if (!dbUp) throw new OutageError('connection refused');
          applied.push(...batch.map((d) => d.value.data.n));
        },
      });
      await h.bus.publish(topic, [ping(1), ping(2)]);
      await waitFor('paused and probing', () => !handle.ready() && probes >= 2);
      expect(applied).toEqual([]);
      dbUp = true;
      await waitFor('applied after the outage', () => applied.length === 2);
      await waitFor('ready again', () => handle.ready());
      expect(applied).toEqual([1, 2]);
    });

    /** A counter that keeps its increments by label set, for asserting on metrics. */
    const labelled = () => {
      const seen: Record<string, number> = {};
      return {
        seen,
        inc: (labels: Record<string, string>, n = 1) => {
          const k = Object.entries(labels)
            .filter(([l]) => l !== 'group' && l !== 'topic')
            .map(([l, v]) => `${l}=${v}`)
            .join(',');
          seen[k] = (seen[k] ?? 0) + n;
        },
      };
    };

    it('poison (an error no retry can cure) goes to the DLQ at once with its reason; the partition moves on', async () => {
      const topic = await h.topic('poison-thrown');
      const applied: number[] = [];
      const poisoned = labelled();
      const salvaged: { offset: string; reason: string; error: string }[] = [];
      await consume({
        groupId: group(),
        topics: [topic],
        validate: validatePing,
        // No retry budget at all would still dead-letter poison: it is not retried.
        retry: { ...fast, giveUpAfterMs: 60 * 60_000 },
        isPoison: (err) => ((err as { code?: string }).code === '22P05' ? 'encoding' : undefined),
        metrics: { poisoned },
        salvage: async (raw, cause) => {
          salvaged.push({ offset: raw.offset, ...cause });
          return 'applied';
        },
        handle: async (batch) => {
          for (const d of batch) {
            if (d.value.data.n === 2) JSON.parse('{"n": ');
            if (d.value.data.n === 4)
              throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
          }
          applied.push(...batch.map((d) => d.value.data.n));
        },
      });
      await h.bus.publish(topic, [ping(1), ping(2), ping(3), ping(4), ping(5)]);
      const dead = await readAll(dlqTopicOf(topic), 2);
      await waitFor('the rest applied', () => new Set(applied).size >= 3);
      expect([...new Set(applied)].sort()).toEqual([1, 3, 5]);
      expect(dead.map((d) => d.headers[DLQ_HEADERS.reason])).toEqual(['json', 'encoding']);
      expect(dead.map((d) => d.headers[DLQ_HEADERS.salvage])).toEqual(['applied', 'applied']);
      expect(dead[1]?.headers[DLQ_HEADERS.error]).toMatch(/22P05/);
      expect(salvaged.map((x) => [x.offset, x.reason])).toEqual([
        ['1', 'json'],
        ['3', 'encoding'],
      ]);
      expect(poisoned.seen).toEqual({ 'reason=json': 1, 'reason=encoding': 1 });
    });

    it('one poison message among 1,000 in a batch: the batch is split in halves, only it is dead-lettered, each other message applied once', async () => {
      const topic = await h.topic('poison-halves');
      const applied: number[] = [];
      let calls = 0;
      await consume({
        groupId: group(),
        topics: [topic],
        validate: validatePing,
        maxBatchSize: 1_000,
        retry: fast,
        isPoison: (err) => ((err as { code?: string }).code === '22P05' ? 'encoding' : undefined),
        handle: async (batch) => {
          calls++;
          if (batch.some((d) => d.value.data.n === 537))
            throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
          applied.push(...batch.map((d) => d.value.data.n));
        },
      });
      await h.bus.publish(
        topic,
        Array.from({ length: 1_000 }, (_, i) => ping(i)),
      );
      const [dead, ...more] = await readAll(dlqTopicOf(topic), 1);
      await waitFor('the other 999 applied', () => applied.length >= 999);
      expect(more).toEqual([]);
      expect(JSON.parse(String(dead?.value)).data.n).toBe(537);
      expect(dead?.headers[DLQ_HEADERS.reason]).toBe('encoding');
      expect(applied.sort((a, b) => a - b)).toEqual(
        Array.from({ length: 1_000 }, (_, i) => i).filter((n) => n !== 537),
      );
      // About two attempts per halving (log2 1,000 = 10), not one per message.
      expect(calls).toBeLessThan(60);
    });

    it('an error of unknown kind is retried for retry.giveUpAfterMs, then dead-lettered; what follows is applied', async () => {
      const topic = await h.topic('give-up');
      const groupId = group();
      const applied: number[] = [];
      let attemptsOn2 = 0;
      const poisoned = labelled();
      const lines: { level: string; obj: object; msg?: string }[] = [];
      const capture = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
      await consume({
        groupId,
        topics: [topic],
        validate: validatePing,
        retry: { initialMs: 10, maxMs: 40, giveUpAfterMs: 300 },
        metrics: { poisoned },
        logger: { info: capture('info'), warn: capture('warn'), error: capture('error') },
        handle: async (batch) => {
          if (batch.some((d) => d.value.data.n === 2)) {
            attemptsOn2++;
            throw new Error(`topic is missing (UNKNOWN_TOPIC_OR_PARTITION) for +14155550123`);
          }
          applied.push(...batch.map((d) => d.value.data.n));
        },
      });
      await h.bus.publish(topic, [ping(1), ping(2), ping(3)]);
      const [dead] = await readAll(dlqTopicOf(topic), 1);
      await waitFor('the message after it applied', () => applied.includes(3));
      expect(attemptsOn2).toBeGreaterThan(1);
      expect(dead?.headers[DLQ_HEADERS.reason]).toBe('retries-exhausted');
      expect(dead?.headers[DLQ_HEADERS.error]).toMatch(
        /^gave up after \d+ attempt\(s\) in \d+ s: Error: topic is missing/,
      );
      // The error text is bounded and carries no phone number.
      expect(dead?.headers[DLQ_HEADERS.error]).not.toContain('4155550123');
      expect(JSON.parse(dead?.value?.toString() ?? '{}').data.n).toBe(2);
      expect([...new Set(applied)].sort()).toEqual([1, 3]);
      expect(poisoned.seen).toEqual({ 'reason=retries-exhausted': 1 });
      // One error line says so; no line carries the phone number, retry lines are bounded.
      const errors = lines.filter((l) => l.level === 'error');
      expect(errors).toEqual([
        expect.objectContaining({
          msg: 'dead-lettering message',
          obj: expect.objectContaining({ reason: 'retries-exhausted', offset: '1' }),
        }),
      ]);
      expect(lines.filter((l) => l.msg === 'handler failed, retrying').length).toBeGreaterThan(0);
      for (const l of lines) {
        expect(JSON.stringify(l)).not.toContain('4155550123');
        expect(JSON.stringify(l).length).toBeLessThan(1500);
      }
      await waitFor('all committed', async () => (await h.committed(groupId, topic)) === 3);
    });

    it('an outage pauses past the retry bound and dead-letters nothing', async () => {
      const topic = await h.topic('outage-unbounded');
      let dbUp = false;
      let probes = 0;
      const applied: number[] = [];
      const handle = await consume({
        groupId: group(),
        topics: [topic],
        validate: validatePing,
        retry: { initialMs: 10, maxMs: 20, giveUpAfterMs: 30 },
        isOutage: (err) => err instanceof OutageError,
        probe: async () => {
          probes++;
          if (!dbUp) throw new OutageError('connection refused');
        },
        handle: async (batch) => {
          if (batch.some((d) => d.value.data.n === 99)) throw new Error('sentinel: unknown kind');
          if (!dbUp) throw new OutageError('connection refused');
          applied.push(...batch.map((d) => d.value.data.n));
        },
      });
      await h.bus.publish(topic, [ping(1), ping(2)]);
      // Ten probes at 10-20 ms apart outlast the 30 ms bound.
      await waitFor('paused through many probes', () => !handle.ready() && probes >= 10);
      dbUp = true;
      await waitFor('applied after the outage', () => applied.length === 2);
      await h.bus.publish(topic, [ping(99)]);
      const dead = await readAll(dlqTopicOf(topic), 1);
      // The only dead letter is the sentinel sent after the outage.
      expect(dead.map((d) => JSON.parse(d.value?.toString() ?? '{}').data.n)).toEqual([99]);
      expect(applied).toEqual([1, 2]);
    });

    it('a salvage that fails still dead-letters the message (x-dlq-salvage: failed) and the partition moves on', async () => {
      const topic = await h.topic('salvage-fails');
      const applied: number[] = [];
      const salvaged = labelled();
      await consume({
        groupId: group(),
        topics: [topic],
        validate: validatePing,
        retry: fast,
        metrics: { salvaged },
        salvage: async (raw) => {
          if (raw.key === 'no-subject') throw new TestValidationError('the message key is not a subject key');
          return 'not-applicable';
        },
        handle: async (batch) => {
          if (batch.some((d) => d.value.data.n < 0)) throw new TestValidationError('negative');
          applied.push(...batch.map((d) => d.value.data.n));
        },
      });
      await h.bus.publish(topic, [ping(1), ping(-1, 'no-subject'), ping(-2), ping(3)]);
      const dead = await readAll(dlqTopicOf(topic), 2);
      await waitFor('the rest applied', () => new Set(applied).size >= 2);
      expect(dead.map((d) => d.headers[DLQ_HEADERS.salvage])).toEqual(['failed', 'not-applicable']);
      expect(dead[0]?.headers[DLQ_HEADERS.salvageError]).toMatch(/not a subject key/);
      expect(dead.map((d) => d.headers[DLQ_HEADERS.reason])).toEqual(['validation', 'validation']);
      expect(salvaged.seen).toEqual({ 'outcome=failed': 1, 'outcome=not-applicable': 1 });
    });

    it('missingTopics names the topics that do not exist', async () => {
      const present = await h.topic('present');
      const absent = `${present}-absent`;
      const missing = h.bus.missingTopics ? await h.bus.missingTopics([present, absent]) : [absent];
      expect(missing).toEqual([absent]);
    });

    it('stop() mid-stream finishes the batch in hand, commits it; the next runner continues after it', async () => {
      const topic = await h.topic('stop');
      const groupId = group();
      const sent = Array.from({ length: 20 }, (_, i) => ping(i));
      await h.bus.publish(topic, sent);
      const first: number[] = [];
      let stopping: Promise<void> | undefined;
      let firstHandle!: Promise<ConsumerHandle>;
      firstHandle = h.bus.consume({
        groupId,
        topics: [topic],
        validate: validatePing,
        maxBatchSize: 5,
        handle: async (batch) => {
          // SIGTERM arrives while this batch is in hand.
          stopping ??= firstHandle.then((x) => x.stop());
          await new Promise((r) => setImmediate(r));
          first.push(...batch.map((d) => d.value.data.n));
        },
      });
      await waitFor('SIGTERM during the first batch', () => stopping !== undefined);
      await stopping;
      expect(first).toEqual([0, 1, 2, 3, 4]);
      expect(await h.committed(groupId, topic)).toBe(5);

      const second: number[] = [];
      await consume({
        groupId,
        topics: [topic],
        validate: validatePing,
        handle: async (batch) => void second.push(...batch.map((d) => d.value.data.n)),
      });
      await waitFor('the rest', () => second.length >= 15);
      expect(second).toEqual(Array.from({ length: 15 }, (_, i) => i + 5));
    });

    it('stop() while a batch keeps failing returns promptly without committing it; the next runner gets it', async () => {
      const topic = await h.topic('stop-failing');
      const groupId = group();
      let attempts = 0;
      const first = await h.bus.consume({
        groupId,
        topics: [topic],
        validate: validatePing,
        retry: fast,
        handle: async () => {
          attempts++;
          throw new Error('database is read-only (transient)');
        },
      });
      await h.bus.publish(topic, [ping(1), ping(2)]);
      await waitFor('a few failed attempts', () => attempts >= 3);
      await first.stop();
      expect(first.ready()).toBe(false);
      expect(await h.committed(groupId, topic)).toBeUndefined();
      const got: number[] = [];
      await consume({
        groupId,
        topics: [topic],
        validate: validatePing,
        handle: async (batch) => void got.push(...batch.map((d) => d.value.data.n)),
      });
      await waitFor('redelivered to the next runner', () => got.length >= 2);
      expect(got).toEqual([1, 2]);
      await waitFor('committed', async () => (await h.committed(groupId, topic)) === 2);
    });

    it('a rebalance (second member joins, first stops) loses nothing and keeps per-key order', async () => {
      const topic = await h.topic('rebalance', { partitions: 3 });
      const groupId = group();
      const seen: { key: string | null; n: number }[] = [];
      const opts = {
        groupId,
        topics: [topic],
        validate: validatePing,
        maxBatchSize: 10,
        handle: async (batch: Delivered<Ping>[]) => {
          await new Promise((r) => setImmediate(r));
          seen.push(...batch.map((d) => ({ key: d.key, n: d.value.data.n })));
        },
      };
      const a = await h.bus.consume(opts);
      const sent = Array.from({ length: 300 }, (_, i) => ping(i, `subject-${i % 7}`));
      await h.bus.publish(topic, sent.slice(0, 150));
      await waitFor('the first member working', () => seen.length >= 20);
      await consume(opts);
      await h.bus.publish(topic, sent.slice(150));
      await a.stop();
      await waitFor('everything handled', () => new Set(seen.map((s) => s.n)).size === 300);
      const byKey = new Map<string | null, number[]>();
      for (const s of seen) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s.n]);
      for (const [key, list] of byKey) {
        const firstSeen = [...new Set(list)];
        expect(firstSeen, String(key)).toEqual([...firstSeen].sort((x, y) => x - y));
      }
    });

    it('outbox relay: publishes in order per key, marks rows only after the ack, repeats rather than loses', async () => {
      const topic = await h.topic('changelog', { partitions: 3, compacted: true });
      const rows: OutboxRow[] = Array.from({ length: 30 }, (_, i) => ({
        id: String(i).padStart(4, '0'),
        topic,
        key: `subject-${i % 4}:marketing`,
        value: JSON.stringify({ seq: i }),
        headers: { traceparent: `tp-${i}` },
      }));
      const published = new Set<string>();
      const acked = new Set<string>();
      let markFailures = 1;
      let marksBeforeAck = 0;
      const bus: Bus = {
        ...h.bus,
        publish: async (t, messages) => {
          await h.bus.publish(t, messages);
          for (const m of messages) acked.add(String(m.value));
        },
      };
      const relay = startOutboxRelay({
        bus,
        batchSize: 7,
        intervalMs: 10_000,
        source: {
          fetch: async (limit) => rows.filter((r) => !published.has(r.id)).slice(0, limit),
          markPublished: async (ids) => {
            for (const id of ids) {
              if (!acked.has(rows[Number(id)]?.value ?? '')) marksBeforeAck++;
            }
            // A crash after the ack, before the mark: these rows go out again.
            if (markFailures-- > 0) throw new Error('connection lost while marking');
            for (const id of ids) published.add(id);
          },
        },
      });
      await expect(relay.drain()).rejects.toThrow('connection lost');
      await relay.drain();
      await relay.stop();
      expect(published.size).toBe(30);
      expect(marksBeforeAck).toBe(0);

      const got = await readAll(topic, 30 + 7);
      const seqs = new Map<string, number[]>();
      for (const d of got) {
        const k = d.key ?? '';
        seqs.set(k, [...(seqs.get(k) ?? []), JSON.parse(d.value?.toString() ?? '{}').seq]);
      }
      const all = new Set([...seqs.values()].flat());
      expect(all.size).toBe(30);
      for (const [k, list] of seqs) {
        const firstSeen = [...new Set(list)];
        // In order per key; a repeat is the batch sent again after the failed mark.
        expect(firstSeen, k).toEqual([...firstSeen].sort((a, b) => a - b));
        const i = Number(k.split('-')[1]?.split(':')[0]);
        expect(firstSeen.every((s) => s % 4 === i)).toBe(true);
      }
      expect(got.find((d) => d.value?.toString() === rows[5]?.value)?.headers.traceparent).toBe('tp-5');
    });
  });
}
