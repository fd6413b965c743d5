export {
  classifySms,
  classifySmsMessage,
  compileKeywords,
  DEFAULT_LANGUAGES,
  type LanguageTable,
  mergeLanguages,
  type SmsClassification,
  type SmsIntent,
} from './classify';
export { intentOf, smsInboundHandler } from './handler';
export { startSmsStopConsumer } from './service';
