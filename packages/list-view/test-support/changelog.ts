// For tests of anything that holds a list view: a real relay publishing a test list's outbox to a
// changelog topic of the test's own on the real broker, and a ListView tailing it.
import { type Bus, kafkaEndOffsets, type OutboxRelay, startOutboxRelay } from '@sp/messaging';
import { fetchOutbox, markOutboxPublished, type SuppressionContext } from '@sp/suppression';
import { uniqueName, waitFor } from '@sp/testing';
import { outboxProbe, type RunningListView, startListView } from '../src/index';

export interface TestChangelog {
  topic: string;
  running: RunningListView;
  /** Publishes what the list committed and waits until the view holds it. */
  sync(): Promise<void>;
  /** The relay stopped / started again (the view's freshness contract then says stale / fresh). */
  stopRelay(): Promise<void>;
  startRelay(): void;
  /** Another view of the same topic, as a restarted process builds it (no database needed). */
  restartView(opts?: { outbox?: boolean }): Promise<RunningListView>;
  close(): Promise<void>;
}

export async function startTestChangelog(o: {
  brokers: string;
  bus: Bus;
  ctx: SuppressionContext;
  maxLagMs?: number;
}): Promise<TestChangelog> {
  const brokers = o.brokers.split(',');
  const topic = uniqueName('changelog');
  await o.bus.ensureTopics([{ topic, partitions: 3, compacted: true, dlq: false }]);
  const relayOf = () =>
    startOutboxRelay({
      bus: o.bus,
      intervalMs: 50,
      source: {
        // The list writes suppression.changelog.v1; this test's topic stands in for it.
        fetch: async (limit) => (await fetchOutbox(o.ctx, limit)).map((r) => ({ ...r, topic })),
        markPublished: (ids) => markOutboxPublished(o.ctx, ids),
      },
    });
  let relay: OutboxRelay | undefined = relayOf();
  const views: RunningListView[] = [];
  const view = async (outbox: boolean) => {
    const r = await startListView({
      bus: o.bus,
      ends: kafkaEndOffsets({ brokers, clientId: uniqueName('list-view-ends') }),
      ...(outbox ? { outbox: outboxProbe(o.ctx.db) } : {}),
      topic,
      keyer: o.ctx.keyer,
      defaultRegion: o.ctx.defaultRegion ?? 'US',
      probeIntervalMs: 50,
      ...(o.maxLagMs !== undefined ? { maxLagMs: o.maxLagMs } : {}),
    });
    views.push(r);
    return r;
  };
  const running = await view(true);
  return {
    topic,
    running,
    async sync() {
      await relay?.drain();
      const mark = Date.now();
      await waitFor(
        'the view to hold every committed change',
        () => (running.view.completeAsOf() ?? 0) >= mark,
      );
    },
    async stopRelay() {
      await relay?.stop();
      relay = undefined;
    },
    startRelay() {
      relay ??= relayOf();
    },
    restartView: (opts = {}) => view(opts.outbox ?? false),
    async close() {
      await relay?.stop();
      for (const v of views) await v.stop();
    },
  };
}
