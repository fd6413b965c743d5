// dns-consumer: privacy.do-not-sell.v1 -> the list and the request log.
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { runDnsConsumer } from './run';

exitOnFailure('dns-consumer', runDnsConsumer(loadConfig()));
