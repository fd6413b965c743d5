// A list consumer: a typed subscription from the topic catalog that pauses while the database
// is unreachable, dead-letters what the database refuses as data (after salvaging an opt-out
// in it), traces each batch under the producer's trace, and exposes the metrics every consumer
// service has.
import type { TopicName } from '@sp/contracts';
import { dbPoisonReason, isConnectionError } from '@sp/db';
import { type ConsumerHandle, type ConsumerMetrics, type SubscribeOptions, subscribe } from '@sp/messaging';
import { SpanKind, withExtractedContext, withSpan } from '@sp/observability';
import type { Resources } from './resources';
import { type SalvagePolicy, salvageHook } from './salvage';

export function consumerMetrics(res: Pick<Resources, 'metrics'>): ConsumerMetrics {
  const m = res.metrics;
  return {
    consumed: m.counter('sp_messages_consumed_total', 'Messages read from Kafka', ['group', 'topic']),
    applied: m.counter('sp_messages_applied_total', 'Messages applied to the list', ['group', 'topic']),
    duplicates: m.counter('sp_messages_duplicate_total', 'Redelivered messages that changed nothing', [
      'group',
      'topic',
    ]),
    deadLettered: m.counter('sp_messages_dead_lettered_total', 'Messages sent to the DLQ', [
      'group',
      'topic',
    ]),
    poisoned: m.counter(
      'sp_consumer_poison_total',
      'Messages dead-lettered, by cause (validation, data-exception, encoding, retries-exhausted …)',
      ['group', 'topic', 'reason'],
    ),
    salvaged: m.counter(
      'sp_consumer_salvage_total',
      'Opt-outs honoured by subject key before dead-lettering, by outcome',
      ['group', 'topic', 'outcome'],
    ),
    retried: m.counter('sp_batches_retried_total', 'Batches retried after a transient error', [
      'group',
      'topic',
    ]),
    lag: m.gauge('sp_consumer_lag', 'Messages behind the end of the partition', [
      'group',
      'topic',
      'partition',
    ]),
  };
}

/**
 * Events per apply() call of a list consumer unless it says otherwise (issue 12): on Kafka a batch
 * joins every partition of a fetch, so a backlog drains in transactions of this size.
 */
export const LIST_CONSUMER_BATCH_SIZE = 5_000;

export type ListConsumerOptions<T extends TopicName> = Omit<
  SubscribeOptions<T>,
  'isOutage' | 'isPoison' | 'probe' | 'metrics' | 'logger' | 'salvage'
> & {
  /** The opt-out this consumer's dead letters still honour (by subject key); none when absent. */
  salvage?: SalvagePolicy;
  /** How long an error of unknown kind is retried before the message is dead-lettered. */
  giveUpAfterMs?: number;
};

export function startListConsumer<T extends TopicName>(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list'>,
  opts: ListConsumerOptions<T>,
): Promise<ConsumerHandle> {
  const { handle, salvage, giveUpAfterMs, retry, ...rest } = opts;
  return subscribe(res.bus, {
    maxBatchSize: LIST_CONSUMER_BATCH_SIZE,
    ...rest,
    // The batch runs under the trace of its first message (the webhook or API call that
    // produced it), so one trace goes from the edge through Kafka to the database write.
    handle: (batch) =>
      withExtractedContext(batch[0]?.headers ?? {}, () =>
        withSpan(
          `${batch[0]?.topic ?? 'batch'} process`,
          {
            'messaging.system': 'kafka',
            'messaging.destination.name': batch[0]?.topic ?? '',
            'messaging.batch.message_count': batch.length,
            'messaging.consumer.group.name': opts.groupId,
          },
          () => handle(batch),
          SpanKind.CONSUMER,
        ),
      ),
    isOutage: isConnectionError,
    isPoison: dbPoisonReason,
    probe: () => res.db.ping(),
    ...(salvage ? { salvage: salvageHook(res.list, salvage) } : {}),
    ...(retry || giveUpAfterMs !== undefined
      ? { retry: { ...retry, ...(giveUpAfterMs !== undefined ? { giveUpAfterMs } : {}) } }
      : {}),
    metrics: consumerMetrics(res),
    logger: res.logger,
  });
}
