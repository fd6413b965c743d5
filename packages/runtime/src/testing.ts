// Resources for a service under test: a real database (migrated) and the real broker, topics
// under a unique prefix so concurrent tests never see each other's messages.
import { randomBytes } from 'node:crypto';
import { Topics } from '@sp/contracts';
import { createDb, migrateDb } from '@sp/db';
import { type ConsumerHandle, createKafkaBus } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import { assembleResources, type Resources } from './resources';
import { tracedBus } from './traced-bus';

export const TEST_PEPPER = {
  currentKeyId: 't1',
  keys: { t1: 'test-pepper-0123456789abcdef0123456789abcdef' },
};
export const TEST_VAULT = { currentKeyId: 'v1', keys: { v1: Buffer.alloc(32, 7).toString('base64') } };

export async function openTestResources(opts: {
  service: string;
  brokers: string;
  databaseUrl: string;
  topicPrefix: string;
  partitions?: number;
}): Promise<Resources & { close(): Promise<void> }> {
  const db = await createDb({ url: opts.databaseUrl, max: 4 });
  await migrateDb(db);
  const bus = tracedBus(createKafkaBus({ brokers: opts.brokers.split(','), clientId: opts.service }));
  await bus.ensureTopics(
    Object.values(Topics).map((t) => ({
      topic: `${opts.topicPrefix}${t}`,
      partitions: opts.partitions ?? 3,
      compacted: t === Topics.changelog,
    })),
  );
  const res = assembleResources({
    service: opts.service,
    db,
    bus,
    logger: silentLogger(),
    list: { peppers: TEST_PEPPER, vaultKeys: TEST_VAULT, defaultRegion: 'US', revokeAllSms: true },
    topicPrefix: opts.topicPrefix,
  });
  return {
    ...res,
    close: async () => {
      await bus.close();
      await db.close();
    },
  };
}

export interface ServiceUnderTest {
  res: Resources & { close(): Promise<void> };
  /** Prefix of this test's topics on the broker. */
  prefix: string;
  close(): Promise<void>;
}

/**
 * A consumer service started the way its main starts it, on a database of the test's own and
 * topics under a fresh prefix; close() stops the consumers, then the clients, then drops the db.
 */
export async function startServiceUnderTest(opts: {
  service: string;
  brokers: string;
  database: { url: string; drop(): Promise<void> };
  start: (res: Resources) => Promise<ConsumerHandle | ConsumerHandle[]>;
  /** Partitions of each topic (3 by default). */
  partitions?: number;
}): Promise<ServiceUnderTest> {
  const prefix = `${opts.service}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.`;
  const res = await openTestResources({
    service: opts.service,
    brokers: opts.brokers,
    databaseUrl: opts.database.url,
    topicPrefix: prefix,
    ...(opts.partitions !== undefined ? { partitions: opts.partitions } : {}),
  });
  const started = await opts.start(res);
  const consumers = Array.isArray(started) ? started : [started];
  return {
    res,
    prefix,
    close: async () => {
      for (const c of consumers) await c.stop();
      await res.close();
      await opts.database.drop();
    },
  };
}
