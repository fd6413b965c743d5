// dns-consumer: privacy.do-not-sell.v1 -> the list and the request log.
import { loadConfig } from './config';
import { runDnsConsumer } from './run';

await runDnsConsumer(loadConfig());
