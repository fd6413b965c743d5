// complaint-consumer: abuse.complaint.v1 and email.bounce.v1 -> the list.
import { runConsumerService } from '@sp/runtime';
import { loadConfig } from './config';
import { startComplaintConsumer } from './service';

const config = loadConfig();
await runConsumerService('complaint-consumer', config, async (res) => [
  await startComplaintConsumer(res, { groupId: config.GROUP_ID }),
]);
