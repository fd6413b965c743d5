// dns-consumer: privacy.do-not-sell.v1 -> the list and the request log.
import { runConsumerService } from '@sp/runtime';
import { loadConfig } from './config';
import { DNS_TOPICS, startDnsConsumer } from './service';

const config = loadConfig();
await runConsumerService(
  'dns-consumer',
  config,
  async (res) => [
    await startDnsConsumer(res, {
      groupId: config.GROUP_ID,
      giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
    }),
  ],
  { topics: DNS_TOPICS },
);
