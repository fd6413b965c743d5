export { listRefusal } from './admit';
export {
  type ApplyResult,
  apply,
  CHANGELOG_TOPIC,
  type ChangelogEntry,
  compareRank,
  minorKey,
  scopeKey,
} from './apply';
export {
  type DnsRequestRecord,
  fetchOutbox,
  type HistoryEntry,
  history,
  ledgerMarkedSince,
  listDnsRequests,
  markOutboxPublished,
  type OutboxMessage,
} from './audit';
export { isBulkPlan, writeImportedBulk } from './bulk';
export {
  type CheckKind,
  type CheckQuery,
  type CheckReason,
  type CheckResult,
  check,
  checkMany,
  databaseChecker,
  type ListChecker,
} from './check';
export type { Keyer, SuppressionContext } from './context';
export { createDataKeyring, type DataKey, type DataKeyring, type MasterKeys } from './data-keys';
export { decide, type StateRow } from './decide';
export { ERASURE_EVENT_TYPE, type ErasureRequest, type ErasureResult, erase, erasureEventId } from './erase';
export {
  type AdminAction,
  type Bounce,
  type Complaint,
  type DoNotSell,
  type EmailOptOut,
  type EmailResubscribe,
  LIST_EVENT_TYPES,
  type ListEvent,
  type SmsInbound,
  type SmsIntent,
  validateListEvent,
} from './events';
export {
  countRecorded,
  IMPORT_SOURCE,
  type ImportEvidence,
  type ImportedEntry,
  type ImportedReasonCode,
  importEventId,
  importedEvent,
  planImported,
  writeImported,
} from './import';
export {
  createPartner,
  fileBasis,
  HASH_FORMATS,
  type HashFormat,
  hashLength,
  isStale,
  keepPartnerHashes,
  listPartners,
  listWatermark,
  type NewPartner,
  type Partner,
  type PartnerAuth,
  partnerAccessLog,
  partnerByToken,
  partnerFile,
  partnerHash,
  partnerSeeds,
  recordPartnerAccess,
  recordSeedHit,
  scrubHashes,
  seedOwner,
  syncPartnerHashes,
  tokenDigest,
} from './partners';
export {
  addMonths,
  type EntryReason,
  type Plan,
  type PlanContext,
  type ScopeChannel,
  type ScopePurpose,
} from './plan';
export {
  type AuditRecord,
  type AuditRecordInput,
  auditRecords,
  EXPORT_RECORD_TYPE,
  recordAudit,
} from './records';
export {
  FINAL_DELIVERY_STATUSES,
  type RetentionHook,
  type RetentionResult,
  runRetention,
} from './retention';
export {
  SALVAGE_EVENT_TYPE,
  SALVAGE_SOURCE,
  type SalvageRequest,
  salvageEventId,
  suppressByKey,
} from './salvage';
export { type EventSealing, type Opened, openEvents, sealEvents } from './sealed-events';
export {
  newSeedAddress,
  SEED_HIT_TOPIC,
  SEED_HIT_TYPE,
  SeedHit,
  type SeedKeys,
  seedPartnerOf,
} from './seeds';
export { queryKeys, resolveSubject, type SubjectInput, type SubjectType } from './subjects';
export {
  archiveTopic,
  createTopic,
  DEFAULT_LANGUAGE,
  getTopic,
  getTopics,
  listTopics,
  type NewTopic,
  seedTopics,
  TOPIC_ID_PATTERN,
  type Topic,
  type TopicAction,
  type TopicAuthor,
  type TopicChange,
  type TopicChannel,
  type TopicDefaultStatus,
  TopicError,
  type TopicPatch,
  type TopicSnapshot,
  topicHistory,
  topicRefusal,
  topicText,
  updateTopic,
} from './topics';
export { isTransactionalType, TRANSACTIONAL_TYPES, TransactionalType } from './transactional';
export { eraseAddress, openAddress, revealAddress, sealAddress } from './vault';
