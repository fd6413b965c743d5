// optout-consumer: consent.email-optout.v1 -> the list.
import { runConsumerService } from '@sp/runtime';
import { loadConfig } from './config';
import { OPTOUT_TOPICS, startOptoutConsumer } from './service';

const config = loadConfig();
await runConsumerService(
  'optout-consumer',
  config,
  async (res) => [
    await startOptoutConsumer(res, {
      groupId: config.GROUP_ID,
      giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
    }),
  ],
  { topics: OPTOUT_TOPICS },
);
