export {
  FormatMismatch,
  type ImportEntry,
  type ImportItem,
  type ReasonCode,
  type SubjectType,
  timestamp,
} from './entry';
export { FORMATS, type FormatOptions, PROVIDER_FORMATS, type ProviderFormat } from './formats';
export {
  DEFAULT_SCOPE,
  IMPORT_FORMATS,
  type ImportFormat,
  isImportFormat,
  readImport,
  typedIdentifier,
} from './read';
export { csvRows, describe } from './readers';
