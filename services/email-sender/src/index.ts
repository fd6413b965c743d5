import { fileURLToPath } from 'node:url';

export {
  CFBL_FEEDBACK_ID_HEADER,
  type ComposeSettings,
  cfblFeedbackId,
  composeEmail,
  MESSAGE_ID_HEADER,
  RECIPIENT_TOKEN_HEADER,
  SENDER_VARIABLES,
  type Sealer,
  unsubscribeLinks,
} from './compose';
export { type EmailSenderConfig, EmailSenderEnv, loadConfig } from './config';
export {
  createEmailSender,
  DEFAULT_TOPICS,
  type EmailSender,
  type EmailSenderDeps,
  type EmailSenderSettings,
  emailPort,
  SOURCE,
} from './sender';
export {
  createSesTransport,
  type EmailTransport,
  type OutgoingMail,
  type SesTransportOptions,
} from './transport';
/** The folder of this sender's template files (standalone loads it too). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));
