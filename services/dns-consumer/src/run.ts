// The process of dns-consumer, as main.ts runs it (and the tests start it).
import { type RunningService, type RunOptions, runConsumerService } from '@sp/runtime';
import type { Config } from './config';
import { DNS_TOPICS, startDnsConsumer } from './service';

export function runDnsConsumer(config: Config, opts: RunOptions = {}): Promise<RunningService> {
  return runConsumerService(
    'dns-consumer',
    config,
    async (res) => [
      await startDnsConsumer(res, {
        groupId: config.GROUP_ID,
        giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
      }),
    ],
    { ...opts, topics: DNS_TOPICS },
  );
}
