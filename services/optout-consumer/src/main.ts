// optout-consumer: consent.email-optout.v1 -> the list.
import { loadConfig } from './config';
import { runOptoutConsumer } from './run';

await runOptoutConsumer(loadConfig());
