export { Config, loadConfig } from './config';
export { integrationOptions, providersOf, runWebhooks } from './run';
