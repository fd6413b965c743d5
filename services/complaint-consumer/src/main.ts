// complaint-consumer: abuse.complaint.v1 and email.bounce.v1 -> the list.
import { runConsumerService } from '@sp/runtime';
import { loadConfig } from './config';
import { COMPLAINT_TOPICS, startComplaintConsumer } from './service';

const config = loadConfig();
await runConsumerService(
  'complaint-consumer',
  config,
  async (res) => [
    await startComplaintConsumer(res, {
      groupId: config.GROUP_ID,
      giveUpAfterMs: config.CONSUMER_GIVE_UP_AFTER_MS,
    }),
  ],
  { topics: COMPLAINT_TOPICS },
);
