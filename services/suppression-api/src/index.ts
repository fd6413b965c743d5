export { type ApiDeps, buildApi } from './app';
export { type ApiConfig, apiTokens, loadConfig, type Scope } from './config';
export { importEventId, importText } from './importer';
export { acceptSends, messageOutcome, SEND_SOURCE, type SendDeps } from './messages';
export * from './messages-spec';
export { buildOpenApi } from './openapi';
export { listEntries, stats } from './queries';
export * from './schemas';
export { type RouteSpec, routes } from './spec';
