// One flow for both senders: claim every message id of the batch, ask the list once for all of
// them, then send, suppress or defer each, record it, and emit delivery.outcome.v1. A channel
// (email, sms) plugs in how to prepare, hold (quiet hours), send and classify errors.
import { databaseChecker, type ListChecker, type SuppressionContext } from '@sp/suppression';
import { decide, type GateRequest, type Verdict } from './gate';
import {
  type Channel,
  type ClaimResult,
  claim,
  dueDeferrals,
  type LogRow,
  markSending,
  type RecordInput,
  record,
  release,
} from './log';
import { type OutcomeInput, outcomeEnvelope } from './outcome';
import type { PayloadBox } from './payload-box';
import { type Backoff, backoffMs, DEFAULT_BACKOFF, type ProviderFailure } from './retry';
import type { Template, Variables } from './templates';
import { withTimeout } from './timeout';

type Database = SuppressionContext['db'];

export interface SendRequestBase {
  messageId: string;
  to: string;
  templateId: string;
  variables: Variables;
  campaignId?: string | undefined;
  topic?: string | undefined;
  /** Language wanted for the text; the template's variant in it when one exists. */
  locale?: string | undefined;
}

/** A validated request, ready for the gate: template resolved, subject normalized and keyed. */
export interface Prepared<R extends SendRequestBase = SendRequestBase> {
  /** The envelope as received (kept sealed while the message is deferred). */
  raw: unknown;
  envelopeId: string;
  request: R;
  template: Template;
  subject: { type: 'email' | 'phone'; value: string };
  subjectKey: string;
  /** Under every pepper, current first (the gate looks them up without keying again). */
  subjectKeys?: string[];
  topic?: string | undefined;
}

export interface Outgoing {
  topic: string;
  key: string | null;
  value: unknown;
}

export interface ChannelPort<R extends SendRequestBase> {
  channel: Channel;
  /** The envelope `source` of outcomes ('email-sender', 'sms-sender'). */
  source: string;
  /** Parses one request envelope into a Prepared; throws a ValidationError (-> DLQ) when it cannot. */
  prepare(envelope: unknown): Prepared<R>;
  /** For an allowed message: a later time to send it at (R-SMS-6 quiet hours), or null for now. */
  holdUntil?(p: Prepared<R>, now: Date): Promise<Date | null>;
  send(p: Prepared<R>, info: { attempt: number; unchecked: boolean }): Promise<{ providerMessageId: string }>;
  classify(err: unknown): ProviderFailure;
  /** Events to publish after a provider failure (21610 -> consent.sms-inbound.v1, R-SMS-7). */
  onFailure?(p: Prepared<R>, failure: ProviderFailure, now: Date): Outgoing[];
}

export interface PipelineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DeliveryDeps {
  /** Where delivery_log lives (usually the list's database). */
  log: Database;
  /** The list (its own database handle may differ from `log`). */
  list: SuppressionContext;
  /** How the gate asks the list: a local view (@sp/list-view) when given, else `list`'s database. */
  checker?: ListChecker;
  bus: { publish(topic: string, messages: { key: string | null; value: unknown }[]): Promise<void> };
  box: PayloadBox;
  outcomeTopic: string;
  clock?: () => Date;
  /** How long a claim that never reached the provider blocks a retry. Default 60 s. */
  leaseMs?: number;
  backoff?: Backoff;
  /** Bound of the list check; past it the list counts as unavailable (fail closed). Default 5 s. */
  checkTimeoutMs?: number;
  /** Bound of the claim round trip; past it the batch is retried as an outage. Default 10 s. */
  claimTimeoutMs?: number;
  /** Provider calls in flight at once. Default 16. */
  concurrency?: number;
  logger?: PipelineLogger;
  onOutcome?: (o: OutcomeInput) => void;
}

export interface BatchSummary {
  sent: number;
  suppressed: number;
  deferred: number;
  failed: number;
  /** Redeliveries of messages already done, in flight or waiting. */
  skipped: number;
}

const quiet: PipelineLogger = { info() {}, warn() {}, error() {} };

async function pool<T, U>(items: T[], limit: number, fn: (t: T) => Promise<U>): Promise<U[]> {
  const out = new Array<U>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function gateRequestOf(p: Prepared): GateRequest {
  return {
    channel: p.template.channel,
    subject: p.subject,
    subjectKey: p.subjectKey,
    ...(p.subjectKeys ? { subjectKeys: p.subjectKeys } : {}),
    template: p.template,
    topic: p.topic,
  };
}

function replayOutcome(p: Prepared, row: LogRow): OutcomeInput | null {
  if (row.status !== 'sent' && row.status !== 'suppressed' && row.status !== 'failed') return null;
  return {
    messageId: row.messageId,
    channel: p.template.channel,
    status: row.status,
    subjectKey: row.subjectKey ?? p.subjectKey,
    templateId: row.templateId ?? p.template.id,
    category: row.category ?? p.template.category,
    reasons: row.reasons,
    providerMessageId: row.providerMessageId,
    error: row.error,
    attempt: row.attempts,
  };
}

/** Runs one batch through claim -> gate -> send/suppress/defer -> record -> outcome. */
export async function processBatch<R extends SendRequestBase>(
  deps: DeliveryDeps,
  port: ChannelPort<R>,
  items: Prepared<R>[],
): Promise<BatchSummary> {
  const logger = deps.logger ?? quiet;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const now = (deps.clock ?? (() => new Date()))();
  const summary: BatchSummary = { sent: 0, suppressed: 0, deferred: 0, failed: 0, skipped: 0 };
  if (items.length === 0) return summary;

  const claims: ClaimResult[] = await withTimeout(
    claim(
      deps.log,
      items.map((p) => ({
        messageId: p.request.messageId,
        channel: port.channel,
        templateId: p.template.id,
        category: p.template.category,
        subjectKey: p.subjectKey,
      })),
      { now, leaseMs: deps.leaseMs ?? 60_000 },
    ),
    deps.claimTimeoutMs ?? 10_000,
    'claim',
  );

  const outcomes: OutcomeInput[] = [];
  const extra: Outgoing[] = [];
  const mine: { p: Prepared<R>; attempt: number }[] = [];
  claims.forEach((c, i) => {
    const p = items[i]!;
    if (c.claimed) {
      mine.push({ p, attempt: c.attempt });
      return;
    }
    summary.skipped++;
    const replay = c.existing ? replayOutcome(p, c.existing) : null;
    if (replay) outcomes.push(replay); // the outcome may have been lost with the earlier attempt
  });

  const records: RecordInput[] = [];
  const base = (p: Prepared<R>, attempt: number) => ({
    messageId: p.request.messageId,
    channel: port.channel,
    templateId: p.template.id,
    category: p.template.category,
    attempt,
  });
  const defer = (
    p: Prepared<R>,
    attempt: number,
    subjectKey: string,
    at: Date,
    error: string,
    reasons = [],
  ) => {
    records.push({
      messageId: p.request.messageId,
      status: 'deferred',
      subjectKey,
      reasons,
      error,
      nextAttemptAt: at,
      sealedPayload: deps.box.seal(p.raw),
    });
    outcomes.push({ ...base(p, attempt), status: 'deferred', subjectKey, reasons, error, nextAttemptAt: at });
    summary.deferred++;
  };

  const toSend: { p: Prepared<R>; attempt: number; verdict: Extract<Verdict, { action: 'send' }> }[] = [];
  try {
    const verdicts = await decide(
      deps.checker ?? databaseChecker(deps.list),
      mine.map(({ p }) => gateRequestOf(p)),
      {
        ...(deps.checkTimeoutMs ? { timeoutMs: deps.checkTimeoutMs } : {}),
        onListError: (err) =>
          logger.warn({ err: String(err), channel: port.channel }, 'list unavailable: failing closed'),
      },
    );
    for (const [i, { p, attempt }] of mine.entries()) {
      const v = verdicts[i]!;
      if (v.action === 'suppress') {
        records.push({
          messageId: p.request.messageId,
          status: 'suppressed',
          subjectKey: v.subjectKey,
          reasons: v.reasons,
        });
        outcomes.push({
          ...base(p, attempt),
          status: 'suppressed',
          subjectKey: v.subjectKey,
          reasons: v.reasons,
        });
        summary.suppressed++;
      } else if (v.action === 'defer') {
        defer(p, attempt, v.subjectKey, new Date(now.getTime() + backoffMs(attempt, backoff)), v.error);
      } else {
        const hold = port.holdUntil ? await port.holdUntil(p, now) : null;
        if (hold) defer(p, attempt, v.subjectKey, hold, 'quiet-hours');
        else toSend.push({ p, attempt, verdict: v });
      }
    }
    await record(deps.log, records, now);
    await markSending(
      deps.log,
      toSend.map(({ p }) => p.request.messageId),
      now,
    );
  } catch (err) {
    // Nothing reached the provider: hand the claims back so a retry can take them at once.
    await release(
      deps.log,
      mine.map(({ p }) => p.request.messageId),
      now,
    ).catch(() => {});
    throw err;
  }

  const sentRecords: RecordInput[] = [];
  await pool(toSend, deps.concurrency ?? 16, async ({ p, attempt, verdict }) => {
    const unchecked = verdict.unchecked === true;
    try {
      const { providerMessageId } = await port.send(p, { attempt, unchecked });
      const error = unchecked ? `unchecked: ${verdict.error ?? 'list-unavailable'}` : undefined;
      sentRecords.push({
        messageId: p.request.messageId,
        status: 'sent',
        subjectKey: verdict.subjectKey,
        reasons: [],
        providerMessageId,
        ...(error ? { error } : {}),
      });
      outcomes.push({
        ...base(p, attempt),
        status: 'sent',
        subjectKey: verdict.subjectKey,
        reasons: [],
        providerMessageId,
        ...(unchecked ? { unchecked: true, error } : {}),
      });
      summary.sent++;
    } catch (err) {
      const failure = port.classify(err);
      if (failure.retry && attempt < backoff.maxAttempts) {
        const at = new Date(now.getTime() + backoffMs(attempt, backoff));
        const sealedPayload = deps.box.seal(p.raw);
        sentRecords.push({
          messageId: p.request.messageId,
          status: 'deferred',
          subjectKey: verdict.subjectKey,
          reasons: [],
          error: failure.reason,
          nextAttemptAt: at,
          sealedPayload,
        });
        outcomes.push({
          ...base(p, attempt),
          status: 'deferred',
          subjectKey: verdict.subjectKey,
          reasons: [],
          error: failure.reason,
          nextAttemptAt: at,
        });
        summary.deferred++;
      } else {
        sentRecords.push({
          messageId: p.request.messageId,
          status: 'failed',
          subjectKey: verdict.subjectKey,
          reasons: [],
          error: failure.reason,
        });
        outcomes.push({
          ...base(p, attempt),
          status: 'failed',
          subjectKey: verdict.subjectKey,
          reasons: [],
          error: failure.reason,
        });
        summary.failed++;
      }
      extra.push(...(port.onFailure?.(p, failure, now) ?? []));
      logger.warn(
        {
          messageId: p.request.messageId,
          subjectKey: verdict.subjectKey,
          retry: failure.retry,
          reason: failure.reason,
        },
        'provider refused a message',
      );
    }
  });

  let recordError: unknown;
  try {
    await record(deps.log, sentRecords, now);
  } catch (err) {
    // The messages went out; their rows stay "handed to the provider" and are never sent again.
    recordError = err;
    logger.error({ err: String(err), count: sentRecords.length }, 'could not record sent messages');
  }

  await publishAll(deps, port, outcomes, extra, now);
  for (const o of outcomes) deps.onOutcome?.(o);
  if (recordError) throw recordError;
  return summary;
}

async function publishAll(
  deps: DeliveryDeps,
  port: ChannelPort<SendRequestBase>,
  outcomes: OutcomeInput[],
  extra: Outgoing[],
  now: Date,
): Promise<void> {
  // Events that teach the list (21610) first: they matter more than the outcome record.
  const byTopic = new Map<string, { key: string | null; value: unknown }[]>();
  for (const e of extra) {
    const list = byTopic.get(e.topic) ?? [];
    list.push({ key: e.key, value: e.value });
    byTopic.set(e.topic, list);
  }
  for (const [topic, messages] of byTopic) await deps.bus.publish(topic, messages);
  if (outcomes.length > 0) {
    await deps.bus.publish(
      deps.outcomeTopic,
      outcomes.map((o) => ({ key: o.subjectKey, value: outcomeEnvelope(port.source, o, now) })),
    );
  }
}

export interface DeferralPoller {
  /** One pass: sends what is due; returns how many deferrals it picked up. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Sends deferred messages when they are due (quiet hours over, list back, provider retry time).
 * Each goes through the same claim, so a message is sent once even with several pollers.
 */
export function startDeferralPoller<R extends SendRequestBase>(
  deps: DeliveryDeps,
  port: ChannelPort<R>,
  opts: { intervalMs: number; batchSize?: number; autoStart?: boolean },
): DeferralPoller {
  const logger = deps.logger ?? quiet;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const runOnce = async (): Promise<number> => {
    const now = (deps.clock ?? (() => new Date()))();
    const due = await withTimeout(
      dueDeferrals(deps.log, port.channel, now, opts.batchSize ?? 200),
      deps.claimTimeoutMs ?? 10_000,
      'due deferrals',
    );
    if (due.length === 0) return 0;
    const prepared: Prepared<R>[] = [];
    const broken: RecordInput[] = [];
    for (const d of due) {
      try {
        prepared.push(port.prepare(deps.box.open(d.sealed, d.keyId)));
      } catch (err) {
        broken.push({
          messageId: d.messageId,
          status: 'failed',
          subjectKey: '',
          reasons: [],
          error: String(err),
        });
      }
    }
    if (broken.length > 0) await record(deps.log, broken, now);
    await processBatch(deps, port, prepared);
    return due.length;
  };

  const loop = () => {
    if (stopped) return;
    running = runOnce()
      .catch((err) => {
        logger.warn({ err: String(err), channel: port.channel }, 'deferral poll failed');
        return 0;
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, opts.intervalMs);
      });
  };
  if (opts.autoStart ?? true) timer = setTimeout(loop, opts.intervalMs);

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
