export { buildEdge } from './app';
export { type EdgeConfig, EdgeEnv, loadConfig } from './config';
export type { CertificateFetcher, Clock, EdgeDeps } from './deps';
export { type SesEvent, SesNotification, sesEvents } from './ses-notification';
export {
  canonicalString,
  createSnsVerifier,
  httpsCertificateFetcher,
  SnsMessage,
  SnsVerificationError,
} from './sns-verify';
