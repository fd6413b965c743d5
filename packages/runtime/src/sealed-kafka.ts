// The producers on the kit that have no list resources of their own (the edge, the abuse inbox):
// the database holding the subjects' data keys, the traced Kafka bus sealed with them (identifiers
// leave sealed, issue 15), what the kit waits for before starting and what it closes last.
import { createDb, type DbHandle } from '@sp/db';
import { createKeyer, type Keyer } from '@sp/identity';
import { createKafkaBus } from '@sp/messaging';
import { createDataKeyring, type DataKeyring, type MasterKeys } from '@sp/suppression';
import { type Dependency, databaseDependency, kafkaDependency, topicsDependency } from './kit';
import { sealedBus } from './sealed-bus';
import { tracedBus } from './traced-bus';

export interface SealedKafkaOptions {
  eventSealing: { databaseUrl: string | undefined; keys: MasterKeys | undefined };
  kafka: { brokers: string[]; clientId: string };
  subjectPeppers: { currentKeyId: string; keys: Record<string, string> };
  /** Every topic the service publishes to: the kit waits for them. */
  topics: string[];
  defaultRegion?: string;
}

export async function openSealedKafka(
  logger: Parameters<typeof createKafkaBus>[0]['logger'],
  opts: SealedKafkaOptions,
): Promise<{
  db: DbHandle;
  keyer: Keyer;
  ring: DataKeyring;
  bus: ReturnType<typeof sealedBus>;
  dependencies: Dependency[];
  pools: (() => Promise<void>)[];
}> {
  const { databaseUrl, keys } = opts.eventSealing;
  if (!databaseUrl || !keys)
    throw new Error(
      'DATABASE_URL and EVENT_KEYS (or VAULT_KEYS) are required: events carry sealed identifiers',
    );
  const db = await createDb({ url: databaseUrl });
  const kafka = tracedBus(createKafkaBus({ ...opts.kafka, logger }));
  const keyer = createKeyer({
    peppers: opts.subjectPeppers.keys,
    currentKeyId: opts.subjectPeppers.currentKeyId,
  });
  const ring = createDataKeyring(db.db, keys);
  const bus = sealedBus(kafka, { ring, keyer, defaultRegion: opts.defaultRegion });
  return {
    db,
    keyer,
    ring,
    bus,
    dependencies: [
      databaseDependency(db),
      kafkaDependency(kafka, opts.kafka.brokers),
      topicsDependency(kafka, opts.topics),
    ],
    pools: [() => bus.close(), () => db.close()],
  };
}
