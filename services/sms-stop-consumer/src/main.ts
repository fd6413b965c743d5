// sms-stop-consumer: consent.sms-inbound.v1 -> STOP / START / HELP -> the list (+ reply requests).
import { runConsumerService } from '@sp/runtime';
import { loadConfig } from './config';
import { startSmsStopConsumer } from './service';

const config = loadConfig();
await runConsumerService('sms-stop-consumer', config, async (res) => [
  await startSmsStopConsumer(res, {
    groupId: config.GROUP_ID,
    templates: { confirmation: config.SMS_CONFIRMATION_TEMPLATE, help: config.SMS_HELP_TEMPLATE },
    languages: config.SMS_KEYWORDS_FILE,
  }),
]);
