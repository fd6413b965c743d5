// The process of optout-consumer, as main.ts runs it (and the tests start it).
import { type RunningService, type RunOptions, runConsumerService } from '@sp/runtime';
import type { Config } from './config';
import { OPTOUT_TOPICS, startOptoutConsumer } from './service';

export function runOptoutConsumer(config: Config, opts: RunOptions = {}): Promise<RunningService> {
  return runConsumerService(
    'optout-consumer',
    config,
    async (res) => [
      await startOptoutConsumer(res, {
        groupId: config.GROUP_ID,
        giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
        confirmationTemplate: config.OPTOUT_CONFIRMATION_TEMPLATE,
      }),
    ],
    { ...opts, topics: OPTOUT_TOPICS },
  );
}
