// complaint-consumer: abuse.complaint.v1 and email.bounce.v1 -> the list.
import { loadConfig } from './config';
import { runComplaintConsumer } from './run';

await runComplaintConsumer(loadConfig());
