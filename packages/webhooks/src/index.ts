export {
  type Backoff,
  backoffMs,
  DEFAULT_BACKOFF,
  type Dispatcher,
  payloadOf,
  startDispatcher,
} from './dispatch';
export { matches, webhookFanout } from './fanout';
export { type ProviderAdapter, providerSyncHandler, type SyncOutcome, syncEntry } from './provider-sync';
export {
  Attempt,
  Delivery,
  DeliveryStatus,
  Endpoint,
  NewEndpoint,
  WebhookFilter,
  WebhookPayload,
  WebhookSecret,
} from './schemas';
export { type IntegrationOptions, startIntegrations } from './service';
export { type SesPurpose, sesSuppressionAdapter } from './ses';
export { newSecret, signature, signedHeaders } from './sign';
export {
  createEndpoint,
  disableEndpoint,
  listDeliveries,
  listEndpoints,
  messageIdOf,
  redeliverDead,
  secretOf,
} from './store';
