// Resources for a service under test: a real database (migrated) and the real broker, topics
// under a unique prefix so concurrent tests never see each other's messages.
import { Topics } from '@sp/contracts';
import { createDb, migrateDb } from '@sp/db';
import { createKafkaBus } from '@sp/messaging';
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
