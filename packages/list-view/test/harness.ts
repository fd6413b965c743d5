// A real list (fresh PostgreSQL database) with its changelog on the real broker and a view of it.
import { type Bus, createKafkaBus } from '@sp/messaging';
import { testInfra, uniqueName } from '@sp/testing';
import { openTestDb, type TestDb } from '../../suppression/test/helpers';
import { startTestChangelog, type TestChangelog } from '../test-support/changelog';

export interface ViewHarness extends TestChangelog {
  t: TestDb;
  bus: Bus;
}

export async function openViewHarness(opts: { maxLagMs?: number } = {}): Promise<ViewHarness> {
  const { kafkaBrokers } = testInfra();
  const t = await openTestDb();
  const bus = createKafkaBus({ brokers: kafkaBrokers.split(','), clientId: uniqueName('list-view-test') });
  const changelog = await startTestChangelog({ brokers: kafkaBrokers, bus, ctx: t.ctx, ...opts });
  return {
    ...changelog,
    t,
    bus,
    async close() {
      await changelog.close();
      await bus.close();
      await t.close();
    },
  };
}
