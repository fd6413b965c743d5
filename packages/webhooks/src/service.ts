// The integration service's consumers, as services/webhooks and the standalone process start
// them: the webhook fan-out and its dispatcher, and (when adapters are given) the provider sync.
import { Topics } from '@sp/contracts';
import type { ConsumerHandle } from '@sp/messaging';
import { type Resources, startListConsumer } from '@sp/runtime';
import { type Backoff, type Dispatcher, startDispatcher } from './dispatch';
import { webhookFanout } from './fanout';
import { type ProviderAdapter, providerSyncHandler } from './provider-sync';

export interface IntegrationOptions {
  groupId?: string;
  providerSyncGroupId?: string;
  backoff?: Backoff;
  pollIntervalMs?: number;
  timeoutMs?: number;
  /** Provider adapters to mirror the list into; none: no provider sync. */
  providers?: ProviderAdapter[];
  giveUpAfterMs?: number;
}

export async function startIntegrations(
  res: Pick<Resources, 'bus' | 'db' | 'logger' | 'metrics' | 'list' | 'topicName'>,
  opts: IntegrationOptions = {},
): Promise<ConsumerHandle[]> {
  const attempts = res.metrics.counter('sp_webhook_attempts_total', 'Webhook delivery attempts by outcome', [
    'outcome',
  ]);
  const synced = res.metrics.counter('sp_provider_sync_total', 'Changes applied to provider lists', [
    'provider',
    'outcome',
  ]);
  const dispatcher: Dispatcher = startDispatcher(res.list, res.db, {
    logger: res.logger,
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.pollIntervalMs !== undefined ? { intervalMs: opts.pollIntervalMs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    onAttempt: (outcome) => attempts.inc({ outcome }),
  });
  const common = {
    topics: [Topics.changelog],
    topicName: res.topicName,
    // Smaller than the list consumers' batches: provider-sync calls provider APIs per batch.
    maxBatchSize: 500,
    ...(opts.giveUpAfterMs !== undefined ? { giveUpAfterMs: opts.giveUpAfterMs } : {}),
  };
  const handles: ConsumerHandle[] = [{ stop: () => dispatcher.stop(), ready: () => true }];
  try {
    handles.unshift(
      await startListConsumer(res, {
        ...common,
        groupId: opts.groupId ?? 'webhooks',
        handle: webhookFanout(res.list, () => dispatcher.wake()),
      }),
    );
    if (opts.providers && opts.providers.length > 0) {
      handles.push(
        await startListConsumer(res, {
          ...common,
          groupId: opts.providerSyncGroupId ?? 'provider-sync',
          handle: providerSyncHandler(res.list, opts.providers, {
            logger: res.logger,
            onOutcome: (provider, outcome) => synced.inc({ provider, outcome }),
          }),
        }),
      );
    }
  } catch (err) {
    // What started is stopped again: the caller gets nothing to stop.
    for (const h of handles) await h.stop().catch(() => {});
    throw err;
  }
  return handles;
}
