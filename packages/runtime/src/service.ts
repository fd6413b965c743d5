// The main of a list consumer service: open resources, check that its topics exist (or wait for
// them), start its consumers and the changelog relay, expose /healthz /readyz /metrics, and stop
// in order on SIGTERM.
import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { startOpsServer, startTracing } from '@sp/observability';
import type { BaseEnv } from './config';
import { stopInOrder, stopOnSignals } from './lifecycle';
import { type ChangelogRelay, startChangelogRelay } from './relay';
import { openResources, type Resources } from './resources';
import { MissingTopicsError, missingTopics, waitForTopics } from './topics';

export interface RunningService {
  resources: Resources;
  opsPort: number;
  /** Resolves when the consumers run (at once, unless the service waits for its topics). */
  started: Promise<void>;
  stop(): Promise<void>;
}

export async function runConsumerService(
  service: string,
  env: BaseEnv,
  start: (res: Resources) => Promise<ConsumerHandle[]>,
  opts: {
    signals?: boolean;
    /** Catalog names of the topics the service reads and writes (the changelog is added). */
    topics?: string[];
  } = {},
): Promise<RunningService> {
  const tracing = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? startTracing({ serviceName: service, otlpUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT })
    : undefined;
  const res = await openResources(service, env);
  const topics = [...new Set([...(opts.topics ?? []), Topics.changelog])].map(res.topicName);
  let missing: string[];
  try {
    missing = await missingTopics(res.bus, topics);
    if (missing.length > 0 && !env.WAIT_FOR_TOPICS) throw new MissingTopicsError(missing);
  } catch (err) {
    await stopInOrder([() => res.bus.close(), () => res.db.close(), async () => tracing?.shutdown()]);
    throw err;
  }

  let consumers: ConsumerHandle[] = [];
  let relay: ChangelogRelay | undefined;
  let running = false;
  let stopping = false;
  const ops = await startOpsServer({
    port: env.OPS_PORT,
    registries: [res.metrics.registry],
    checks: [
      { name: 'postgres', check: () => res.db.ping().then(() => true) },
      { name: 'kafka', check: () => res.bus.healthy() },
      { name: 'topics', check: async () => running },
      { name: 'consumers', check: async () => running && consumers.every((c) => c.ready()) },
    ],
  });
  const run = async () => {
    if (
      missing.length > 0 &&
      !(await waitForTopics(res.bus, topics, { logger: res.logger, stopped: () => stopping }))
    )
      return;
    if (stopping) return;
    consumers = await start(res);
    relay = startChangelogRelay(res, { leaderLockUrl: env.DATABASE_URL });
    running = true;
    res.logger.info({ opsPort: ops.port }, `${service} started`);
  };
  const started = run();
  const stop = () => {
    stopping = true;
    return stopInOrder([
      async () => {
        await started.catch(() => {});
      },
      // Read only now: the consumers may have started while this stop waited.
      () => stopInOrder(consumers.map((c) => () => c.stop())),
      async () => relay?.stop(),
      () => res.bus.close(),
      () => res.db.close(),
      () => ops.close(),
      async () => tracing?.shutdown(),
    ]);
  };
  if (missing.length === 0) {
    try {
      await started;
    } catch (err) {
      await stop().catch(() => {});
      throw err;
    }
  } else {
    started.catch((err: unknown) =>
      res.logger.error({ err: (err as Error).message }, `${service} failed to start`),
    );
  }
  if (opts.signals ?? true) stopOnSignals(res.logger, stop);
  return { resources: res, opsPort: ops.port, started, stop };
}
