export { buildEdge } from './app';
export { type EdgeConfig, EdgeEnv, loadConfig } from './config';
export type { CertificateFetcher, Clock, EdgeDeps } from './deps';
export {
  canonicalString,
  createSnsVerifier,
  httpsCertificateFetcher,
  SnsMessage,
  SnsVerificationError,
} from './sns-verify';
