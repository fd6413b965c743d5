export { type AbuseInbox, createAbuseInbox, type ImportSummary, importEml } from './app';
export { type AbuseInboxConfig, AbuseInboxEnv, loadConfig } from './config';
export { createHeldMail, type HeldEntry, type HeldMail } from './held';
export { classifyRecipient, type InboxDeps, inboxDepsFrom, type Outcome, processMail } from './inbox';
export {
  createFileQuarantine,
  type Quarantine,
  type QuarantineEntry,
  QuarantineItemGone,
} from './quarantine';
export { type Analysis, analyzeReport } from './report';
export { addressesIn, createSealedQuarantine } from './sealed-quarantine';
