export { type SesEmulator, type StoredEmail, startSesEmulator } from './ses';
export { startTwilioDouble, type TwilioDouble, type TwilioFailure, type TwilioMessage } from './twilio';
