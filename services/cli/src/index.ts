export { EXIT, type Io, run, USAGE } from './cli';
export { type ApiClient, ApiError, createClient } from './client';
export { formatSummary, type ImportReport, importFile } from './import';
