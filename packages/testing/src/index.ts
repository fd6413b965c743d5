export { testInfra } from './context';
export {
  createFreshDatabase,
  type FreshDatabase,
  InfraUnavailableError,
  kafkaAnswers,
  postgresAnswers,
  resolveKafka,
  resolvePostgresServer,
  withDatabase,
} from './infra';
export {
  type ConsumedMessage,
  consumeAll,
  createTopic,
  kafkaClient,
  produce,
  readEvents,
  type TestEnvelope,
  type TestMessage,
  toConsumed,
  topicOffsets,
  uniqueName,
  withAdmin,
} from './kafka';
export { freePort, startLocalKafka } from './kafka-local';
export { freshDatabase } from './postgres';
export { type LogLine, type ServiceProcess, startProcess } from './process';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { waitFor } from './wait';
