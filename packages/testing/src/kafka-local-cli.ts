// `pnpm kafka:local`: a single-node KRaft broker from the jars, for a developer's own use.
// Prints the bootstrap address; Ctrl-C or SIGTERM stops the JVM.
import { startLocalKafka } from './kafka-local';

const kafka = await startLocalKafka();
console.log(`Kafka ${kafka.brokers} (pid ${kafka.pid})`);
console.log(`export KAFKA_BROKERS=${kafka.brokers}`);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping Kafka...');
    void kafka.stop().then(() => process.exit(0));
  });
}
// Keep the process alive until a signal arrives.
setInterval(() => {}, 1 << 30);
