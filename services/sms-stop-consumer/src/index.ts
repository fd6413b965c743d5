export { classifySms, type SmsIntent } from './classify';
export { intentOf, smsInboundHandler } from './handler';
export { startSmsStopConsumer } from './service';
