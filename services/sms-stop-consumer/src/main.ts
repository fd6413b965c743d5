// sms-stop-consumer: consent.sms-inbound.v1 -> STOP / START / HELP -> the list (+ reply requests).
import { loadConfig } from './config';
import { runSmsStopConsumer } from './run';

await runSmsStopConsumer(loadConfig());
