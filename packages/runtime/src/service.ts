// The main of a list consumer service: open resources, start its consumers and the changelog
// relay, expose /healthz /readyz /metrics, and stop in order on SIGTERM.
import type { ConsumerHandle } from '@sp/messaging';
import { startOpsServer, startTracing } from '@sp/observability';
import type { BaseEnv } from './config';
import { stopInOrder, stopOnSignals } from './lifecycle';
import { startChangelogRelay } from './relay';
import { openResources, type Resources } from './resources';

export interface RunningService {
  resources: Resources;
  opsPort: number;
  stop(): Promise<void>;
}

export async function runConsumerService(
  service: string,
  env: BaseEnv,
  start: (res: Resources) => Promise<ConsumerHandle[]>,
  opts: { signals?: boolean } = {},
): Promise<RunningService> {
  const tracing = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? startTracing({ serviceName: service, otlpUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT })
    : undefined;
  const res = await openResources(service, env);
  const consumers = await start(res);
  const relay = startChangelogRelay(res, { leaderLockUrl: env.DATABASE_URL });
  const ops = await startOpsServer({
    port: env.OPS_PORT,
    registries: [res.metrics.registry],
    checks: [
      { name: 'postgres', check: () => res.db.ping().then(() => true) },
      { name: 'kafka', check: () => res.bus.healthy() },
      { name: 'consumers', check: async () => consumers.every((c) => c.ready()) },
    ],
  });
  res.logger.info({ opsPort: ops.port }, `${service} started`);
  const stop = () =>
    stopInOrder([
      ...consumers.map((c) => () => c.stop()),
      () => relay.stop(),
      () => res.bus.close(),
      () => res.db.close(),
      () => ops.close(),
      async () => tracing?.shutdown(),
    ]);
  if (opts.signals ?? true) stopOnSignals(res.logger, stop);
  return { resources: res, opsPort: ops.port, stop };
}
