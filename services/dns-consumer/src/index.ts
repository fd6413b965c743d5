export { doNotSellHandler } from './handler';
export { DNS_TOPICS, dnsSalvage, startDnsConsumer } from './service';
