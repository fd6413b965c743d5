export {
  CONFIRMATION_INTERVAL_DAYS,
  CONFIRMATION_REQUESTED,
  CONFIRMATION_SKIPPED,
  CONFIRMATION_UNDELIVERABLE,
  emailConsentHandler,
} from './handler';
export { runOptoutConsumer } from './run';
export { OPTOUT_TOPICS, optoutSalvage, startOptoutConsumer } from './service';
