// createSmsSender: the SMS sender as a unit the composition roots (main.ts, standalone) run on any
// bus and database. Consumes sms.send-request.v1, holds marketing outside quiet hours (R-SMS-6),
// feeds Twilio's 21610 back to the list (R-SMS-7), polls due deferrals, stops cleanly.
import { EventTypes, newEnvelope, SmsSendRequest, type SmsSendRequestData, Topics } from '@sp/contracts';
import { type Database, isConnectionError, selectOne } from '@sp/db';
import {
  type Backoff,
  type ChannelPort,
  classifyTwilioError,
  createPreparer,
  type DeferralPoller,
  type DeliveryDeps,
  kindOf,
  nextSendTime,
  type OutcomeInput,
  type PayloadBox,
  type PipelineLogger,
  type QuietHours,
  recipientTimeZones,
  render,
  startDeferralPoller,
  type TemplateRegistry,
  toValidator,
} from '@sp/delivery';
import type { Bus, ConsumerHandle } from '@sp/messaging';
import type { Keyer, SuppressionContext } from '@sp/suppression';
import { sendRequestHandler } from './handler';
import type { SmsTransport } from './transport';

export const SOURCE = 'sms-sender';

export interface SmsSenderSettings {
  groupId: string;
  topics: { sendRequest: string; outcome: string; smsInbound: string };
  defaultRegion: string;
  quietHours: QuietHours;
  /** Our number (or the Messaging Service SID) named as `to` in a 21610 opt-out event. */
  senderId: string;
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

export interface SmsSenderDeps {
  bus: Bus;
  log: Database;
  list: SuppressionContext;
  keyer: Keyer;
  transport: SmsTransport;
  templates: TemplateRegistry;
  box: PayloadBox;
  settings: SmsSenderSettings;
  logger?: PipelineLogger;
  clock?: () => Date;
  probe?: () => Promise<void>;
  onOutcome?: (o: OutcomeInput) => void;
}

export interface SmsSender {
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
  pollDeferrals(): Promise<number>;
}

export function smsPort(deps: SmsSenderDeps): ChannelPort<SmsSendRequestData> {
  const s = deps.settings;
  return {
    channel: 'sms',
    source: SOURCE,
    prepare: createPreparer<SmsSendRequestData>({
      channel: 'sms',
      parse: (input) => {
        const r = SmsSendRequest.safeParse(input);
        return r.success ? { ok: true, value: r.data } : { ok: false, error: r.error };
      },
      templates: deps.templates,
      keyer: deps.keyer,
      defaultRegion: s.defaultRegion,
    }),
    // R-SMS-6: only marketing waits for the window; confirmations, HELP and transactional go now.
    holdUntil: async (p, now) => {
      if (kindOf(p.template) !== 'marketing') return null;
      const zones = await recipientTimeZones(
        p.subject.value,
        p.request.timeZone,
        s.quietHours.fallbackTimeZone,
      );
      return nextSendTime(now, zones, s.quietHours);
    },
    send: (p) =>
      deps.transport.send({
        to: p.subject.value,
        body: render(p.template, p.request.variables).text,
        from: p.request.from,
      }),
    classify: classifyTwilioError,
    // R-SMS-7: Twilio holds a STOP we missed; tell the list, as if the person had texted STOP to us.
    onFailure: (p, failure, now) => {
      if (failure.retry || !failure.optOut) return [];
      const event = newEnvelope(
        EventTypes.smsInbound,
        SOURCE,
        { from: p.subject.value, to: p.request.from ?? s.senderId, body: '', errorCode: 21610 },
        {
          occurredAt: now.toISOString(),
          evidence: { messageId: p.request.messageId, twilioErrorCode: 21610 },
        },
      );
      return [{ topic: s.topics.smsInbound, key: p.subjectKey, value: event }];
    },
  };
}

export function createSmsSender(deps: SmsSenderDeps): SmsSender {
  const s = deps.settings;
  const port = smsPort(deps);
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

export const DEFAULT_TOPICS = {
  sendRequest: Topics.smsSendRequest,
  outcome: Topics.deliveryOutcome,
  smsInbound: Topics.smsInbound,
};
