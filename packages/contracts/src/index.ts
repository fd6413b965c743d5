export * from './catalog';
export * from './common';
export * from './errors';
export * from './events';
export { generateJsonSchemas } from './json-schema';
export * from './proof';
export * from './sealed';
export { type SesEvent, SesNotification, sesEvents, sesNotificationOf } from './ses';
export * from './text';
