// complaint-consumer: abuse.complaint.v1 and email.bounce.v1 -> the list.
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { runComplaintConsumer } from './run';

exitOnFailure('complaint-consumer', runComplaintConsumer(loadConfig()));
