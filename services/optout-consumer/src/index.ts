export { emailConsentHandler } from './handler';
export { OPTOUT_TOPICS, optoutSalvage, startOptoutConsumer } from './service';
