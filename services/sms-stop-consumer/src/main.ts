// sms-stop-consumer: consent.sms-inbound.v1 -> STOP / START / HELP -> the list (+ reply requests).
import { runConsumerService } from '@sp/runtime';
import { loadConfig } from './config';
import { SMS_STOP_TOPICS, startSmsStopConsumer } from './service';

const config = loadConfig();
await runConsumerService(
  'sms-stop-consumer',
  config,
  async (res) => [
    await startSmsStopConsumer(res, {
      groupId: config.GROUP_ID,
      templates: { confirmation: config.SMS_CONFIRMATION_TEMPLATE, help: config.SMS_HELP_TEMPLATE },
      giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
    }),
  ],
  { topics: SMS_STOP_TOPICS },
);
