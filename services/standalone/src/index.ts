export { loadConfig, type StandaloneConfig } from './config';
export { type RunningSystem, startSystem } from './system';
