import { fileURLToPath } from 'node:url';

export { loadConfig, type SmsSenderConfig, SmsSenderEnv } from './config';
export {
  createSmsSender,
  DEFAULT_TOPICS,
  type SmsSender,
  type SmsSenderDeps,
  type SmsSenderSettings,
  SOURCE,
  smsPort,
} from './sender';
export {
  createTwilioTransport,
  type OutgoingSms,
  type SmsTransport,
  TWILIO_API,
  type TwilioTransportOptions,
} from './transport';
/** The folder of this sender's template files (standalone loads it too). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));
