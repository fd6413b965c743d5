// End offsets (high watermarks) of a topic's partitions: how a local view of a compacted topic
// knows it has read everything that was there at a given moment (its freshness contract).
// Kept apart from the Bus interface (only readers that must prove they are caught up need it); with
// kafka.ts the only file that imports kafkajs.
import { Kafka, logLevel } from 'kafkajs';
import type { MemoryBus } from './memory';
import type { Bus } from './types';

export interface EndOffsets {
  /** Partition -> offset of the next message to be written, read from the broker now. */
  ends(topic: string): Promise<Map<number, bigint>>;
  close(): Promise<void>;
}

export function kafkaEndOffsets(opts: { brokers: string[]; clientId: string }): EndOffsets {
  const kafka = new Kafka({ clientId: opts.clientId, brokers: opts.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return {
    async ends(topic) {
      connected ??= admin.connect().catch((err) => {
        connected = undefined;
        throw err;
      });
      await connected;
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    },
    async close() {
      if (connected) await admin.disconnect().catch(() => {});
    },
  };
}

/** The in-process bus's ends: everything it holds is "written" the moment publish returns. */
export function memoryEndOffsets(bus: Pick<MemoryBus, 'read'>): EndOffsets {
  return {
    async ends(topic) {
      const out = new Map<number, bigint>();
      for (const m of bus.read(topic)) {
        const next = BigInt(m.offset) + 1n;
        if ((out.get(m.partition) ?? 0n) < next) out.set(m.partition, next);
      }
      return out;
    },
    async close() {},
  };
}

/**
 * The ends of a bus of this process (the in-memory bus keeps its messages readable; the table bus
 * answers `endOffsets`); undefined for others.
 */
export function localEndOffsets(bus: Bus): EndOffsets | undefined {
  const table = (bus as { endOffsets?: (topic: string) => Promise<number[] | undefined> }).endOffsets;
  if (typeof table === 'function') {
    return {
      async ends(topic) {
        const ends = (await table.call(bus, topic)) ?? [];
        return new Map(ends.map((end, partition) => [partition, BigInt(end)]));
      },
      async close() {},
    };
  }
  const read = (bus as Partial<MemoryBus>).read;
  return typeof read === 'function' ? memoryEndOffsets({ read: read.bind(bus) }) : undefined;
}
