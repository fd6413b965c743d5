export { doNotSellHandler } from './handler';
export { runDnsConsumer } from './run';
export { DNS_TOPICS, dnsSalvage, startDnsConsumer } from './service';
