export type { CountryCode } from 'libphonenumber-js';
export * from './errors';
export { newDataKey, openValue, SEALED_VALUE, sealedKeyId, sealValue } from './field-sealer';
export { createKeyer, generateSecret, type Keyer } from './keyer';
export {
  normalizeEmail,
  normalizeOpaqueId,
  normalizePhone,
  phonesIn,
  type Subject,
  toRegion,
  toSubject,
} from './normalize';
export { createSealer, type Sealer, type SealerOptions, type UnsubscribeClaims } from './sealer';
