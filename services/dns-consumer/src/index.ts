export { doNotSellHandler } from './handler';
export { startDnsConsumer } from './service';
