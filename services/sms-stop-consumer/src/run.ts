// The process of sms-stop-consumer, as main.ts runs it (and the tests start it).
import { type RunningService, type RunOptions, runConsumerService } from '@sp/runtime';
import type { Config } from './config';
import { SMS_STOP_TOPICS, startSmsStopConsumer } from './service';

export function runSmsStopConsumer(config: Config, opts: RunOptions = {}): Promise<RunningService> {
  return runConsumerService(
    'sms-stop-consumer',
    config,
    async (res) => [
      await startSmsStopConsumer(res, {
        groupId: config.GROUP_ID,
        templates: { confirmation: config.SMS_CONFIRMATION_TEMPLATE, help: config.SMS_HELP_TEMPLATE },
        languages: config.SMS_KEYWORDS_FILE,
        giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
      }),
    ],
    { ...opts, topics: SMS_STOP_TOPICS },
  );
}
