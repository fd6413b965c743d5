// A real list (fresh PostgreSQL database), a real relay publishing its outbox to a changelog topic
// of this test's own on the shared broker, and a ListView tailing that topic.
import { createKafkaBus, kafkaEndOffsets, type OutboxRelay, startOutboxRelay } from '@sp/messaging';
import { fetchOutbox, markOutboxPublished } from '@sp/suppression';
import { testInfra, uniqueName, waitFor } from '@sp/testing';
import { openTestDb, type TestDb } from '../../suppression/test/helpers';
import { outboxProbe, type RunningListView, startListView } from '../src/index';

export interface ViewHarness {
  t: TestDb;
  topic: string;
  relay: OutboxRelay;
  running: RunningListView;
  /** Publishes what the list committed and waits until the view holds it. */
  sync(): Promise<void>;
  startRelay(): void;
  stopRelay(): Promise<void>;
  close(): Promise<void>;
}

export async function openViewHarness(opts: { maxLagMs?: number } = {}): Promise<ViewHarness> {
  const { kafkaBrokers } = testInfra();
  const brokers = kafkaBrokers.split(',');
  const t = await openTestDb();
  const topic = uniqueName('changelog');
  const bus = createKafkaBus({ brokers, clientId: uniqueName('list-view-test') });
  await bus.ensureTopics([{ topic, partitions: 3, compacted: true, dlq: false }]);
  const relayOf = () =>
    startOutboxRelay({
      bus,
      intervalMs: 50,
      source: {
        // The list writes suppression.changelog.v1; this test's topic stands in for it.
        fetch: async (limit) => (await fetchOutbox(t.ctx, limit)).map((r) => ({ ...r, topic })),
        markPublished: (ids) => markOutboxPublished(t.ctx, ids),
      },
    });
  let relay: OutboxRelay | undefined = relayOf();
  const running = await startListView({
    bus,
    ends: kafkaEndOffsets({ brokers, clientId: uniqueName('list-view-ends') }),
    outbox: outboxProbe(t.ctx.db),
    topic,
    keyer: t.ctx.keyer,
    defaultRegion: 'US',
    probeIntervalMs: 50,
    ...(opts.maxLagMs !== undefined ? { maxLagMs: opts.maxLagMs } : {}),
  });
  return {
    t,
    topic,
    get relay() {
      return relay!;
    },
    running,
    async sync() {
      await relay?.drain();
      const mark = Date.now();
      await waitFor(
        'the view to hold every committed change',
        () => (running.view.completeAsOf() ?? 0) >= mark,
      );
    },
    startRelay() {
      relay ??= relayOf();
    },
    async stopRelay() {
      await relay?.stop();
      relay = undefined;
    },
    async close() {
      await relay?.stop();
      await running.stop();
      await bus.close();
      await t.close();
    },
  };
}
