// sms-stop-consumer: consent.sms-inbound.v1 -> STOP / START / HELP -> the list (+ reply requests).
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { runSmsStopConsumer } from './run';

exitOnFailure('sms-stop-consumer', runSmsStopConsumer(loadConfig()));
