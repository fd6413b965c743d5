// createSender: the lifecycle both senders share around their channel port. Consumes the send
// request topic through the pipeline, polls due deferrals, stops the consumer before the poller.
import { type Database, isConnectionError, selectOne } from '@sp/db';
import type { Bus, ConsumerHandle, Delivered, HandlerResult } from '@sp/messaging';
import type { ListChecker, SuppressionContext } from '@sp/suppression';
import type { OutcomeInput } from './outcome';
import type { PayloadBox } from './payload-box';
import {
  type ChannelPort,
  type DeferralPoller,
  type DeliveryDeps,
  type PipelineLogger,
  type Prepared,
  processBatch,
  type SendRequestBase,
  startDeferralPoller,
} from './pipeline';
import type { Backoff } from './retry';
import { toValidator } from './validate';

/** What every sender is tuned by; a channel's settings extend it. */
export interface SenderSettings {
  groupId: string;
  topics: { sendRequest: string; outcome: string };
  defaultRegion: string;
  /** How often due deferrals are looked for. */
  pollIntervalMs: number;
  leaseMs?: number;
  backoff?: Backoff;
  concurrency?: number;
  maxBatchSize?: number;
  /** Bound of the list check (past it: list unavailable, fail closed). */
  checkTimeoutMs?: number;
  /** Bound of the claim round trip (past it: outage, retried). */
  claimTimeoutMs?: number;
}

/** The resources every sender runs on; a channel's deps add its transport and the like. */
export interface SenderDeps {
  bus: Bus;
  /** The database holding delivery_log (usually the list's). */
  log: Database;
  /** The list; its db may be another handle than `log`. */
  list: SuppressionContext;
  /** How the gate asks the list (runSender: the local view); absent, `list`'s database. */
  checker?: ListChecker;
  box: PayloadBox;
  settings: SenderSettings;
  logger?: PipelineLogger;
  clock?: () => Date;
  /** Answers when delivery_log's database is reachable (the consumer's outage probe). */
  probe?: () => Promise<void>;
  onOutcome?: (o: OutcomeInput) => void;
}

export interface Sender {
  start(): Promise<void>;
  /** Stops the consumer (finishing its batch), then the poller. */
  stop(): Promise<void>;
  ready(): boolean;
  /** One pass over due deferrals (tests, admin). */
  pollDeferrals(): Promise<number>;
}

/** The consumer's handler: a batch of prepared send requests through the shared pipeline. */
export function sendRequestHandler<R extends SendRequestBase>(deps: DeliveryDeps, port: ChannelPort<R>) {
  return async (batch: Delivered<Prepared<R>>[]): Promise<HandlerResult> => {
    const summary = await processBatch(
      deps,
      port,
      batch.map((m) => m.value),
    );
    return { duplicates: summary.skipped };
  };
}

/** The pipeline's dependencies from a sender's: only the tuning that is set. */
export function deliveryDeps(deps: SenderDeps): DeliveryDeps {
  const s = deps.settings;
  return {
    log: deps.log,
    list: deps.list,
    bus: deps.bus,
    box: deps.box,
    ...(deps.checker ? { checker: deps.checker } : {}),
    outcomeTopic: s.topics.outcome,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(s.leaseMs !== undefined ? { leaseMs: s.leaseMs } : {}),
    ...(s.backoff ? { backoff: s.backoff } : {}),
    ...(s.concurrency ? { concurrency: s.concurrency } : {}),
    ...(s.checkTimeoutMs ? { checkTimeoutMs: s.checkTimeoutMs } : {}),
    ...(s.claimTimeoutMs ? { claimTimeoutMs: s.claimTimeoutMs } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.onOutcome ? { onOutcome: deps.onOutcome } : {}),
  };
}

export function createSender<R extends SendRequestBase>(deps: SenderDeps, port: ChannelPort<R>): Sender {
  const s = deps.settings;
  const delivery = deliveryDeps(deps);
  let consumer: ConsumerHandle | undefined;
  let poller: DeferralPoller | undefined;
  return {
    async start() {
      consumer = await deps.bus.consume({
        groupId: s.groupId,
        topics: [s.topics.sendRequest],
        validate: toValidator(port.prepare),
        handle: sendRequestHandler(delivery, port),
        isOutage: isConnectionError,
        probe: deps.probe ?? (() => selectOne(deps.log)),
        ...(s.maxBatchSize ? { maxBatchSize: s.maxBatchSize } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      });
      poller = startDeferralPoller(delivery, port, { intervalMs: s.pollIntervalMs });
    },
    async stop() {
      await consumer?.stop();
      await poller?.stop();
    },
    ready: () => consumer?.ready() ?? false,
    pollDeferrals: () => startDeferralPoller(delivery, port, { intervalMs: 0, autoStart: false }).runOnce(),
  };
}
