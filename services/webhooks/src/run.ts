// The process of the webhooks service, as main.ts runs it (and the tests start it).
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { quietAwsSdkNodeNotice } from '@sp/config';
import { Topics } from '@sp/contracts';
import { type RunningService, type RunOptions, runConsumerService } from '@sp/runtime';
import {
  type IntegrationOptions,
  type ProviderAdapter,
  sesSuppressionAdapter,
  startIntegrations,
} from '@sp/webhooks';
import type { Config } from './config';

export function providersOf(config: Config): ProviderAdapter[] {
  if (config.PROVIDER_SYNC !== 'ses') return [];
  quietAwsSdkNodeNotice();
  const client = new SESv2Client({
    region: config.AWS_REGION,
    ...(config.SES_ENDPOINT ? { endpoint: config.SES_ENDPOINT } : {}),
    ...(config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: config.AWS_ACCESS_KEY_ID,
            secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
          },
        }
      : {}),
  });
  return [sesSuppressionAdapter(client, { purposes: config.PROVIDER_SYNC_SES_PURPOSES })];
}

export function integrationOptions(config: Config): IntegrationOptions {
  return {
    groupId: config.GROUP_ID,
    providerSyncGroupId: config.PROVIDER_SYNC_GROUP_ID,
    backoff: {
      initialMs: config.WEBHOOK_BACKOFF_INITIAL_MS,
      maxMs: config.WEBHOOK_BACKOFF_MAX_MS,
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    },
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    providers: providersOf(config),
    giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
  };
}

export function runWebhooks(config: Config, opts: RunOptions = {}): Promise<RunningService> {
  return runConsumerService('webhooks', config, (res) => startIntegrations(res, integrationOptions(config)), {
    ...opts,
    topics: [Topics.changelog],
  });
}
