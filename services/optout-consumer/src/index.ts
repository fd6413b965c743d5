export { emailConsentHandler } from './handler';
export { startOptoutConsumer } from './service';
