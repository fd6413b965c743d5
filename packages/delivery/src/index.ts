export { type CheckReason, decide, type GateRequest, LIST_UNAVAILABLE, queryOf, type Verdict } from './gate';
export {
  type Channel,
  type ClaimInput,
  type ClaimResult,
  claim,
  type DueDeferral,
  dueDeferrals,
  type FinalStatus,
  type LogRow,
  markSending,
  type RecordInput,
  readLog,
  record,
  release,
} from './log';
export { type OutcomeData, type OutcomeInput, outcomeEnvelope, stableUuid } from './outcome';
export { createPayloadBox, type PayloadBox, PayloadKeyError } from './payload-box';
export {
  type BatchSummary,
  type ChannelPort,
  type DeferralPoller,
  type DeliveryDeps,
  type Outgoing,
  type PipelineLogger,
  type Prepared,
  processBatch,
  type SendRequestBase,
  startDeferralPoller,
} from './pipeline';
export {
  createPreparer,
  normalizeRecipient,
  type ParseResult,
  type PreparerOptions,
  parseWith,
} from './prepare';
export {
  DEFAULT_QUIET_HOURS,
  isTimeZone,
  nextSendTime,
  parseClock,
  type QuietHours,
  recipientTimeZones,
} from './quiet-hours';
export {
  type Backoff,
  backoffMs,
  classifySesError,
  classifyTwilioError,
  DEFAULT_BACKOFF,
  type ProviderFailure,
  TWILIO_UNSUBSCRIBED,
} from './retry';
export { type RunningSender, runSender, type SenderResources } from './run';
export {
  createSender,
  deliveryDeps,
  type Sender,
  type SenderDeps,
  type SenderSettings,
  sendRequestHandler,
} from './sender';
export {
  type SenderConfig,
  type SenderEnv,
  type SenderEnvDefaults,
  senderConfig,
  senderEnv,
  senderTuning,
} from './sender-env';
export {
  createTemplateRegistry,
  fill,
  type Kind,
  kindOf,
  loadTemplates,
  passesSmsStop,
  placeholders,
  type Rendered,
  render,
  SMS_SERVICE_CATEGORIES,
  Template,
  TemplateCategory,
  TemplateFileError,
  type TemplateRegistry,
  TRANSACTIONAL_CATEGORIES,
  type Variables,
} from './templates';
export { DatabaseTimeoutError, withTimeout } from './timeout';
export { toValidator } from './validate';
