export { buildEdge } from './app';
export {
  EDGE_LIMIT_VARIABLES,
  type EdgeConfig,
  EdgeEnv,
  type EdgeLimitsConfig,
  EdgeLimitsEnv,
  loadConfig,
} from './config';
export type { CertificateFetcher, Clock, EdgeDeps, PreferenceStore, PreferenceTopic } from './deps';
export { listPreferences } from './preferences';
export { type RunningEdge, runEdge } from './run';
export {
  canonicalString,
  createSnsVerifier,
  httpsCertificateFetcher,
  SnsMessage,
  SnsVerificationError,
} from './sns-verify';
