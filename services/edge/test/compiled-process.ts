// The compiled edge as a real process (`node dist/main.js` in `cwd`): a workspace build
// (compiled.test.ts) or an assembled image directory (infra/test/image.test.ts). Fresh keys each
// time, topics of its own on the test run's Kafka, and its PostgreSQL.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort, testInfra, uniqueName } from '@sp/testing';
import { makeAllTopics } from './processes';

export interface CompiledEdge {
  port: number;
  opsPort: number;
  child: ChildProcess;
  stderr(): string;
  /** The exit code, once it has exited. */
  exited: Promise<number | null>;
}

export async function startCompiledEdge(cwd: string): Promise<CompiledEdge> {
  const [port, opsPort] = [await freePort(), await freePort()];
  // Topics of its own: the edge waits for every topic it publishes to before it is ready.
  const prefix = `${uniqueName('compiled-edge')}.`;
  await makeAllTopics(testInfra().kafkaBrokers, prefix);
  let stderr = '';
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      OPS_PORT: String(opsPort),
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: testInfra().kafkaBrokers,
      TOPIC_PREFIX: prefix,
      TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
      SUBJECT_PEPPERS: `p1:${randomBytes(32).toString('base64url')}`,
      TWILIO_AUTH_TOKEN: 'compiled-test-twilio-token',
      DNS_API_TOKEN: randomBytes(16).toString('hex'),
      DATABASE_URL: testInfra().databaseUrl,
      EVENT_KEYS: `e1:${randomBytes(32).toString('base64')}`,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { port, opsPort, child, stderr: () => stderr, exited };
}
