// createEmailSender: the email sender as a unit the composition roots (main.ts, standalone) run on
// any bus and database. Consumes email.send-request.v1, polls due deferrals, stops cleanly.
import { EmailSendRequest, type EmailSendRequestData, Topics } from '@sp/contracts';
import { type Database, isConnectionError, selectOne } from '@sp/db';
import {
  type Backoff,
  type ChannelPort,
  classifySesError,
  createPreparer,
  type DeferralPoller,
  type DeliveryDeps,
  type OutcomeInput,
  type PayloadBox,
  type PipelineLogger,
  startDeferralPoller,
  type TemplateRegistry,
  toValidator,
} from '@sp/delivery';
import type { Bus, ConsumerHandle } from '@sp/messaging';
import type { Keyer, SuppressionContext } from '@sp/suppression';
import { type ComposeSettings, composeEmail, SENDER_VARIABLES, type Sealer } from './compose';
import { sendRequestHandler } from './handler';
import type { EmailTransport } from './transport';

export const SOURCE = 'email-sender';

export interface EmailSenderSettings extends ComposeSettings {
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

export interface EmailSenderDeps {
  bus: Bus;
  /** The database holding delivery_log (usually the list's). */
  log: Database;
  /** The list; its db may be another handle than `log`. */
  list: SuppressionContext;
  keyer: Keyer;
  sealer: Sealer;
  transport: EmailTransport;
  templates: TemplateRegistry;
  box: PayloadBox;
  settings: EmailSenderSettings;
  logger?: PipelineLogger;
  clock?: () => Date;
  /** Answers when delivery_log's database is reachable (the consumer's outage probe). */
  probe?: () => Promise<void>;
  onOutcome?: (o: OutcomeInput) => void;
}

export interface EmailSender {
  start(): Promise<void>;
  /** Stops the consumer (finishing its batch), then the poller. */
  stop(): Promise<void>;
  ready(): boolean;
  /** One pass over due deferrals (tests, admin). */
  pollDeferrals(): Promise<number>;
}

export function emailPort(deps: EmailSenderDeps): ChannelPort<EmailSendRequestData> {
  return {
    channel: 'email',
    source: SOURCE,
    prepare: createPreparer<EmailSendRequestData>({
      channel: 'email',
      parse: (input) => {
        const r = EmailSendRequest.safeParse(input);
        return r.success ? { ok: true, value: r.data } : { ok: false, error: r.error };
      },
      templates: deps.templates,
      keyer: deps.keyer,
      defaultRegion: deps.settings.defaultRegion,
      senderVariables: SENDER_VARIABLES,
    }),
    send: (p) => deps.transport.send(composeEmail(p, deps.sealer, deps.settings)),
    classify: classifySesError,
  };
}

export function createEmailSender(deps: EmailSenderDeps): EmailSender {
  const s = deps.settings;
  const port = emailPort(deps);
  const delivery: DeliveryDeps = {
    log: deps.log,
    list: deps.list,
    bus: deps.bus,
    box: deps.box,
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

export const DEFAULT_TOPICS = { sendRequest: Topics.emailSendRequest, outcome: Topics.deliveryOutcome };
