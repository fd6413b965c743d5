// openListView: what a process (sender, check API) runs to hold its view: the changelog topic
// ensured, Kafka end offsets and the outbox probed, gauges registered, and the view caught up
// (bounded wait) before the caller starts answering with it.
import type { Database } from '@sp/db';
import { type Bus, type EndOffsets, type GaugeLike, kafkaEndOffsets, type Logger } from '@sp/messaging';
import { CHANGELOG_TOPIC, type Keyer } from '@sp/suppression';
import { loadSnapshot, outboxProbe } from './snapshot';
import { ListView, type RunningListView, startListView } from './view';

export interface ListViewSettings {
  /** LIST_VIEW: off answers from the database as before. Default on. */
  enabled: boolean;
  /** LIST_VIEW_MAX_LAG_MS: freshness bound. Default 2,000. */
  maxLagMs: number;
  /** LIST_VIEW_TOPIC: the changelog topic. */
  topic: string;
  /** LIST_VIEW_RECORDS_DIR: the subjects' records in an unlinked file there instead of memory. */
  recordsDir?: string;
}

export const defaultListViewSettings: ListViewSettings = {
  enabled: true,
  maxLagMs: 2_000,
  topic: CHANGELOG_TOPIC,
};

export async function openListView(o: {
  bus: Bus;
  /** Kafka brokers for end offsets; or `ends` for another bus (the in-process one). */
  brokers?: string[];
  ends?: EndOffsets;
  clientId: string;
  /** The list's database, for the outbox probe (optional: the view works without it). */
  db?: Database;
  keyer: Keyer;
  defaultRegion?: string;
  settings: ListViewSettings;
  logger: Logger;
  metrics?: { gauge(name: string, help: string): GaugeLike };
  /** How long to wait for the first catch-up before answering (stale until then). Default 60 s. */
  catchUpTimeoutMs?: number;
  /**
   * Load suppression_state from `db` before reading the changelog: for a bus that does not keep
   * the whole compacted topic (the table bus prunes what its groups have read).
   */
  snapshotFirst?: boolean;
}): Promise<RunningListView> {
  const ends = o.ends ?? kafkaEndOffsets({ brokers: o.brokers ?? [], clientId: `${o.clientId}-list-view` });
  await o.bus.ensureTopics([{ topic: o.settings.topic, partitions: 3, compacted: true }]);
  const view = new ListView({
    keyer: o.keyer,
    ...(o.defaultRegion ? { defaultRegion: o.defaultRegion } : {}),
    maxLagMs: o.settings.maxLagMs,
    logger: o.logger,
    ...(o.settings.recordsDir ? { recordsDir: o.settings.recordsDir } : {}),
  });
  if (o.snapshotFirst && o.db) await loadSnapshot(o.db, view);
  const running = await startListView({
    bus: o.bus,
    view,
    ends,
    ...(o.db ? { outbox: outboxProbe(o.db) } : {}),
    topic: o.settings.topic,
    keyer: o.keyer,
    ...(o.defaultRegion ? { defaultRegion: o.defaultRegion } : {}),
    maxLagMs: o.settings.maxLagMs,
    logger: o.logger,
    ...(o.metrics
      ? {
          gauges: {
            lag: o.metrics.gauge(
              'list_view_lag_seconds',
              'Age of the newest moment the list view is complete to',
            ),
            ready: o.metrics.gauge('list_view_ready', '1 when the list view is within its freshness bound'),
            subjects: o.metrics.gauge('list_view_subjects', 'Subject keys held by the list view'),
          },
        }
      : {}),
  });
  const started = Date.now();
  try {
    await running.caughtUp(o.catchUpTimeoutMs ?? 60_000);
    o.logger.info({ ms: Date.now() - started, ...running.view.store.stats() }, 'list view caught up');
  } catch (err) {
    // Keep going: a stale view fails closed (marketing deferred) until it catches up.
    o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'list view not caught up yet');
  }
  return running;
}
