export { type SesEmulator, type StoredEmail, startSesEmulator } from './ses';
export { type SuppressedDestination, SuppressionList } from './ses-suppression';
export { startTwilioDouble, type TwilioDouble, type TwilioFailure, type TwilioMessage } from './twilio';
