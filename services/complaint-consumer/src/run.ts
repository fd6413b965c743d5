// The process of complaint-consumer, as main.ts runs it (and the tests start it).
import { type RunningService, type RunOptions, runConsumerService } from '@sp/runtime';
import { SEED_HIT_TOPIC } from '@sp/suppression';
import type { Config } from './config';
import { startSeedHitConsumer } from './seed-hits';
import { COMPLAINT_TOPICS, startComplaintConsumer } from './service';

export function runComplaintConsumer(config: Config, opts: RunOptions = {}): Promise<RunningService> {
  return runConsumerService(
    'complaint-consumer',
    config,
    async (res) => [
      await startComplaintConsumer(res, {
        groupId: config.GROUP_ID,
        giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
      }),
      // Issue 16: the abuse inbox's seed hits flag partners (their own group, their own topic).
      await startSeedHitConsumer(res),
    ],
    { ...opts, topics: [...COMPLAINT_TOPICS, SEED_HIT_TOPIC] },
  );
}
