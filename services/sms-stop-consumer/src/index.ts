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
export { SmsKeywordsFile } from './config';
export { intentOf, smsInboundHandler } from './handler';
export { runSmsStopConsumer } from './run';
export { SMS_STOP_TOPICS, smsSalvage, startSmsStopConsumer } from './service';
