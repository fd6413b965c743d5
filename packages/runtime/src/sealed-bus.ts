// The bus every producer and consumer of the platform uses (issue 15): what it publishes has its
// identifiers sealed with the subjects' data keys, what its consumers read is opened before it is
// validated. Wrapping the bus in each composition root, rather than touching each producer, means a
// new producer cannot forget it; the Kafka message key stays the subject key.
import { createDb, type Database, migrateDb } from '@sp/db';
import { createKeyer } from '@sp/identity';
import type { Bus, OutgoingMessage, RawMessage } from '@sp/messaging';
import {
  createDataKeyring,
  type DataKeyring,
  type EventSealing,
  type MasterKeys,
  openEvents,
  sealEvents,
} from '@sp/suppression';

const isPlainObject = (v: unknown) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);

async function openRaw(s: EventSealing, raws: RawMessage[]) {
  const parsed = raws.map((r) => {
    if (r.value === null) return undefined;
    const text = r.value.toString('utf8');
    // Only events that carry sealed data are parsed here; everything else goes to the validator as read.
    if (!text.includes('"sealed"')) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  });
  const opened = await openEvents(s.ring, parsed);
  return raws.map((r, i) => {
    if (parsed[i] === undefined) return { ok: true as const, value: r.value };
    const o = opened[i]!;
    return o.ok ? { ok: true as const, value: Buffer.from(JSON.stringify(o.value)) } : o;
  });
}

/** Dead letters of events that arrived readable (older producers), with their identifiers sealed. */
async function sealDeadLetters(s: EventSealing, values: Buffer[]): Promise<Buffer[]> {
  const parsed = values.map((v) => {
    try {
      return JSON.parse(v.toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  });
  const sealed = await sealEvents(s, parsed);
  return values.map((v, i) =>
    parsed[i] === undefined || sealed[i] === parsed[i] ? v : Buffer.from(JSON.stringify(sealed[i])),
  );
}

export function sealedBus(bus: Bus, sealing: EventSealing): Bus {
  const missing = bus.missingTopics?.bind(bus);
  return {
    consume: (o) =>
      bus.consume({
        ...o,
        open: (raws) => openRaw(sealing, raws),
        sealDeadLetters: (values) => sealDeadLetters(sealing, values),
      }),
    ensureTopics: (s) => bus.ensureTopics(s),
    ...(missing ? { missingTopics: missing } : {}),
    healthy: () => bus.healthy(),
    close: () => bus.close(),
    publish: async (topic, messages) => {
      const objects = messages.map((m) => (isPlainObject(m.value) ? m.value : undefined));
      const sealed = await sealEvents(sealing, objects);
      const out: OutgoingMessage[] = messages.map((m, i) =>
        objects[i] === undefined ? m : { ...m, value: sealed[i] },
      );
      return bus.publish(topic, out);
    },
  };
}

/**
 * For producers without resources of their own (edge, abuse-inbox): the database of the data keys,
 * and their bus sealed with them. Refuses to start without both: the edge must not publish
 * readable addresses (issue 15).
 */
export async function openSealedBus(
  bus: Bus,
  opts: {
    databaseUrl: string | undefined;
    eventKeys: MasterKeys | undefined;
    peppers: { currentKeyId: string; keys: Record<string, string> };
    defaultRegion?: string;
  },
): Promise<{ bus: Bus; dataKeys: DataKeyring; db: Database; close(): Promise<void> }> {
  if (!opts.databaseUrl || !opts.eventKeys)
    throw new Error(
      'DATABASE_URL and EVENT_KEYS (or VAULT_KEYS) are required: events carry sealed identifiers',
    );
  const db = await createDb({ url: opts.databaseUrl });
  // The data_keys table must exist before the first publish (migrations are locked and idempotent).
  await migrateDb(db);
  const keyer = createKeyer({ peppers: opts.peppers.keys, currentKeyId: opts.peppers.currentKeyId });
  const ring = createDataKeyring(db.db, opts.eventKeys);
  return {
    bus: sealedBus(bus, { ring, keyer, defaultRegion: opts.defaultRegion }),
    dataKeys: ring,
    /** The same connection, for the reads a service makes (the edge's preference page). */
    db: db.db,
    close: async () => {
      await bus.close();
      await db.close();
    },
  };
}
