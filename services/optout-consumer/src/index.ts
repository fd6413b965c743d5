export { emailConsentHandler } from './handler';
export { runOptoutConsumer } from './run';
export { OPTOUT_TOPICS, optoutSalvage, startOptoutConsumer } from './service';
