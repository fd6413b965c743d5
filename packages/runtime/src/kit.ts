// The service kit: how every deployable starts and stops (issue 17). Tracing first, then the ops
// server (/healthz, /readyz, /metrics) at once, then a wait with backoff for what the service
// needs (database, Kafka, its topics) with /readyz false meanwhile and one error line naming what
// is still missing every DEPENDENCY_REPORT_AFTER_MS (the process keeps waiting, it does not die),
// then the service's start. One ordered stop: inputs first (HTTP, SMTP), then consumers, then the
// relay/outbox flush, then pools; each step bounded, and on a signal a forced exit after a bound.
import type { DbHandle } from '@sp/db';
import type { Bus } from '@sp/messaging';
import {
  createLogger,
  createMetrics,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  startOpsServer,
  startTracing,
  type Tracing,
} from '@sp/observability';
import { z } from 'zod';
import { type Stopper, stopOnSignals } from './lifecycle';

const ms = z.coerce.number().int().min(0);

/** What every deployable reads from its environment; each service's schema extends it. */
export const ServiceEnv = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prepended to every topic name on the broker (several environments on one cluster; tests). */
  TOPIC_PREFIX: z.string().default(''),
  /** OTLP/HTTP traces endpoint (…/v1/traces); unset, no spans leave the process. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  /** Port of /healthz, /readyz and /metrics. */
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** A dependency still missing at start is reported (one error line) after this long, and again each time it passes. */
  DEPENDENCY_REPORT_AFTER_MS: ms.default(30_000),
  /** Bound of each step of the stop (stop taking requests, stop consumers, flush, close pools). */
  STOP_STEP_TIMEOUT_MS: ms.default(10_000),
  /** Bound of the whole stop on SIGTERM/SIGINT: past it the process exits with 1. */
  STOP_TIMEOUT_MS: ms.default(30_000),
});
export type ServiceEnv = z.infer<typeof ServiceEnv>;

export interface ServiceSettings {
  logLevel: string;
  topicPrefix: string;
  otlpUrl: string | undefined;
  opsPort: number;
  dependencyReportAfterMs: number;
  stopStepTimeoutMs: number;
  stopTimeoutMs: number;
}

export function serviceSettings(e: ServiceEnv): ServiceSettings {
  return {
    logLevel: e.LOG_LEVEL,
    topicPrefix: e.TOPIC_PREFIX,
    otlpUrl: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    opsPort: e.OPS_PORT,
    dependencyReportAfterMs: e.DEPENDENCY_REPORT_AFTER_MS,
    stopStepTimeoutMs: e.STOP_STEP_TIMEOUT_MS,
    stopTimeoutMs: e.STOP_TIMEOUT_MS,
  };
}

/** The defaults of ServiceEnv, for processes that compose services in code (standalone, tests). */
export const defaultServiceSettings = (over: Partial<ServiceSettings> = {}): ServiceSettings => ({
  ...serviceSettings(ServiceEnv.parse({})),
  ...over,
});

/** The topic's name on the broker: the catalog name behind the environment's prefix. */
export const topicNamer =
  (prefix: string) =>
  (topic: string): string =>
    `${prefix}${topic}`;

/** Something the service cannot start without. `missing()` says what is missing, or undefined. */
export interface Dependency {
  name: string;
  missing(): Promise<string | undefined>;
}

const PROBE_TIMEOUT_MS = 5_000;

async function probe(d: Dependency): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((r) => {
    timer = setTimeout(() => r('no answer'), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([d.missing().catch((err: unknown) => oneLine(err)), late]);
  } finally {
    clearTimeout(timer);
  }
}

const oneLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0]?.slice(0, 200) ?? 'error';

export const databaseDependency = (db: Pick<DbHandle, 'ping'>, name = 'database'): Dependency => ({
  name,
  missing: async () => {
    await db.ping();
    return undefined;
  },
});

export const kafkaDependency = (bus: Pick<Bus, 'healthy'>, brokers: string[]): Dependency => ({
  name: 'kafka',
  missing: async () => ((await bus.healthy()) ? undefined : `no broker answers at ${brokers.join(',')}`),
});

export const topicsDependency = (bus: Pick<Bus, 'missingTopics'>, topics: string[]): Dependency => ({
  name: 'topics',
  missing: async () => {
    const m = bus.missingTopics ? await bus.missingTopics([...new Set(topics)]) : [];
    return m.length > 0 ? `missing ${m.join(', ')} (infra/topics/create-topics.sh makes them)` : undefined;
  },
});

/** Resolves true once nothing is missing, false when `stopped()` turned true first. */
export async function waitForDependencies(
  deps: Dependency[],
  opts: {
    logger: Logger;
    service: string;
    reportAfterMs: number;
    stopped: () => boolean;
    wake: { promise: Promise<void> };
  },
): Promise<boolean> {
  const since = Date.now();
  let reported = since;
  let delay = 200;
  for (;;) {
    if (opts.stopped()) return false;
    const results = await Promise.all(deps.map(async (d) => [d.name, await probe(d)] as const));
    const missing = results.filter(([, m]) => m !== undefined);
    if (missing.length === 0) {
      if (Date.now() - since > 1_000) opts.logger.info(`${opts.service}: every dependency is there`);
      return true;
    }
    if (Date.now() - reported >= opts.reportAfterMs) {
      reported = Date.now();
      opts.logger.error(
        { waitingMs: reported - since, missing: Object.fromEntries(missing) },
        `${opts.service} cannot start yet, waiting for ${missing.map(([n, m]) => `${n} (${m})`).join('; ')}`,
      );
    }
    if (opts.stopped()) return false;
    await Promise.race([new Promise((r) => setTimeout(r, delay).unref()), opts.wake.promise]);
    delay = Math.min(delay * 2, 5_000);
  }
}

/** The parts of a started service, in the order of the stop. */
export interface StartedParts {
  /** What takes requests from outside (HTTP, SMTP): stopped first, in-flight requests finish. */
  inputs?: Stopper[];
  /** Consumers: their batch in hand finishes and commits. */
  consumers?: Stopper[];
  /** The relay/outbox flush and pollers. */
  flush?: Stopper[];
  /** Readiness beyond the dependencies (consumers joined, view fresh…). */
  checks?: ReadinessCheck[];
}

export interface OpenedService<T> {
  /** What the service exposes to its caller (tests, standalone). */
  value: T;
  dependencies: Dependency[];
  /** Clients to close last (bus, database pools, transports), in this order. */
  pools: Stopper[];
  /** Runs once every dependency is there. */
  start(): Promise<StartedParts>;
}

export interface ServiceKit {
  service: string;
  settings: ServiceSettings;
  logger: Logger;
  metrics: Metrics;
  topicName: (topic: string) => string;
}

export interface RunningKit<T> {
  value: T;
  logger: Logger;
  /** Port of the ops server (0 when the service has none of its own, inside standalone). */
  opsPort: number;
  /** Resolves when the service runs (at once when everything was there). */
  started: Promise<void>;
  /** Whether the start finished (for a shared /readyz). */
  running(): boolean;
  /** Readiness checks of this service (dependencies, then its own), for a shared ops server. */
  checks(): ReadinessCheck[];
  metrics: Metrics;
  stop(): Promise<void>;
}

/** Runs `fn` for at most `ms`; a step that takes longer is reported and left behind. */
async function bounded(name: string, ms: number, fn: Stopper, logger: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), ms);
  });
  try {
    const r = await Promise.race([fn().then(() => 'done' as const), late]);
    if (r === 'late') logger.error({ step: name, boundMs: ms }, `stop step ${name} took too long; going on`);
    return r === 'done';
  } catch (err) {
    logger.error({ step: name, err: oneLine(err) }, `stop step ${name} failed; going on`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The stoppers of a process in the house order (inputs, consumers, flush, pools). */
export interface StopPhases {
  inputs?: Stopper[];
  consumers?: Stopper[];
  flush?: Stopper[];
  pools?: Stopper[];
}

/**
 * Stops in the house order: inputs, consumers and flush each all at once, pools one after the
 * other in the order given; every step bounded by `stepTimeoutMs` (a late or failed step is
 * logged and the stop goes on). True when every step finished in time.
 */
export async function stopPhases(
  phases: StopPhases,
  opts: { logger: Logger; stepTimeoutMs: number },
): Promise<boolean> {
  const run = async (name: string, stoppers: Stopper[] | undefined, parallel: boolean) => {
    if (!stoppers?.length) return true;
    const step = (s: Stopper, i: number) => bounded(`${name}[${i}]`, opts.stepTimeoutMs, s, opts.logger);
    if (parallel) return (await Promise.all(stoppers.map(step))).every(Boolean);
    let ok = true;
    for (const [i, s] of stoppers.entries()) ok = (await step(s, i)) && ok;
    return ok;
  };
  const results = [
    await run('inputs', phases.inputs, true),
    await run('consumers', phases.consumers, true),
    await run('flush', phases.flush, true),
    await run('pools', phases.pools, false),
  ];
  return results.every(Boolean);
}

export async function runService<T>(opts: {
  service: string;
  settings: ServiceSettings;
  open(kit: ServiceKit): OpenedService<T> | Promise<OpenedService<T>>;
  /** SIGTERM/SIGINT stop the process (true by default; false in tests and inside standalone). */
  signals?: boolean;
  /** Inside standalone: no ops server of its own (the process's one asks `checks`), no tracing of its own. */
  embedded?: { logger: Logger; metrics: Metrics };
  logger?: Logger;
}): Promise<RunningKit<T>> {
  const { service, settings } = opts;
  const tracing: Tracing | undefined =
    !opts.embedded && settings.otlpUrl
      ? startTracing({ serviceName: service, otlpUrl: settings.otlpUrl })
      : undefined;
  const logger = opts.embedded?.logger ?? opts.logger ?? createLogger({ service, level: settings.logLevel });
  const metrics = opts.embedded?.metrics ?? createMetrics(service);
  // Signals are handled from the first moment: a SIGTERM while the service opens or starts waits
  // for the start in hand, then runs the same ordered stop.
  let stopRef: () => Promise<void> = async () => {};
  if (opts.signals ?? true) stopOnSignals(logger, () => stopRef(), settings.stopTimeoutMs);
  const kit: ServiceKit = {
    service,
    settings,
    logger,
    metrics,
    topicName: topicNamer(settings.topicPrefix),
  };
  let opened: OpenedService<T>;
  try {
    opened = await opts.open(kit);
  } catch (err) {
    await tracing?.shutdown();
    throw err;
  }

  let running = false;
  let stopping = false;
  let parts: StartedParts = {};
  let wakeUp: () => void = () => {};
  const wake = { promise: new Promise<void>((r) => (wakeUp = r)) };
  const dependencyChecks: ReadinessCheck[] = opened.dependencies.map((d) => ({
    name: d.name,
    check: async () => (await probe(d)) === undefined,
  }));
  const startedCheck: ReadinessCheck = { name: 'started', check: async () => running && !stopping };
  /** The dependencies, whether the start finished, and the service's own checks once it runs. */
  const checks = (): ReadinessCheck[] => [...dependencyChecks, startedCheck, ...(parts.checks ?? [])];
  const ops = opts.embedded
    ? undefined
    : await startOpsServer({ port: settings.opsPort, registries: [metrics.registry], checks });

  const first = await Promise.all(opened.dependencies.map((d) => probe(d)));
  const run = async () => {
    const ok = await waitForDependencies(opened.dependencies, {
      logger,
      service,
      reportAfterMs: settings.dependencyReportAfterMs,
      stopped: () => stopping,
      wake,
    });
    if (!ok || stopping) return;
    parts = await opened.start();
    running = true;
    logger.info({ opsPort: ops?.port }, `${service} started`);
  };
  const started = run();

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      wakeUp();
      await started.catch(() => {});
      const ok = await stopPhases(
        { ...parts, pools: [...opened.pools, ...(ops ? [() => ops.close()] : [])] },
        { logger, stepTimeoutMs: settings.stopStepTimeoutMs },
      );
      const traced = tracing
        ? await stopPhases(
            { pools: [() => tracing.shutdown()] },
            { logger, stepTimeoutMs: settings.stopStepTimeoutMs },
          )
        : true;
      const results = [ok, traced];
      running = false;
      if (!results.every(Boolean)) throw new Error(`${service}: some stop steps failed or timed out`);
    })();
    return stopped;
  };

  stopRef = stop;
  if (first.every((m) => m === undefined)) {
    try {
      await started;
    } catch (err) {
      await stop().catch(() => {});
      throw err;
    }
  } else {
    started.catch(async (err: unknown) => {
      logger.error({ err: oneLine(err) }, `${service} failed to start`);
      if (opts.signals ?? true) {
        await stop().catch(() => {});
        process.exit(1);
      }
    });
  }
  return {
    value: opened.value,
    logger,
    metrics,
    opsPort: ops?.port ?? 0,
    started,
    running: () => running,
    checks,
    stop,
  };
}

/** For a main: runs the service, and on a failed start says why in one line and exits with 1. */
export function exitOnFailure(service: string, p: Promise<unknown>): void {
  p.catch((err: unknown) => {
    process.stderr.write(`${service}: ${oneLine(err)}\n`);
    process.exit(1);
  });
}
