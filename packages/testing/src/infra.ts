// Chooses the real Kafka and PostgreSQL a test run uses, in the order DESIGN.md "Running it"
// gives: the environment, then testcontainers, then the broker from jars and the local server.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import postgres from 'postgres';
import { freePort, InfraUnavailableError, startLocalKafka } from './kafka-local';

export { InfraUnavailableError };

export interface Provided {
  url: string;
  how: 'env' | 'testcontainers' | 'local';
  stop(): Promise<void>;
}

type Env = Record<string, string | undefined>;

const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const KAFKA_IMAGE = 'apache/kafka:4.1.1';
const POSTGRES_IMAGE = 'postgres:17';

export async function kafkaAnswers(brokers: string, timeoutMs = 10_000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'sp-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    retry: { retries: 2, initialRetryTime: 200 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export async function resolveKafka(env: Env = process.env): Promise<Provided> {
  const fromEnv = env.KAFKA_BROKERS;
  if (fromEnv) {
    if (!(await kafkaAnswers(fromEnv))) {
      throw new InfraUnavailableError(
        `KAFKA_BROKERS=${fromEnv} is set but no Kafka broker answers there. Start it, or unset KAFKA_BROKERS to let the tests start one.`,
      );
    }
    return { url: fromEnv, how: 'env', stop: async () => {} };
  }
  if (await containerRuntimeAnswers()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    // Kafka hands clients its advertised address, so the host port is fixed up front and
    // advertised as such.
    const hostPort = await freePort();
    const container = await new GenericContainer(KAFKA_IMAGE)
      .withExposedPorts({ container: 9092, host: hostPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
    const brokers = `127.0.0.1:${hostPort}`;
    return { url: brokers, how: 'testcontainers', stop: async () => void (await container.stop()) };
  }
  const local = await startLocalKafka();
  return { url: local.brokers, how: 'local', stop: local.stop };
}

/** The PostgreSQL server to make databases on (an admin URL), not yet a database of the run. */
export async function resolvePostgresServer(env: Env = process.env): Promise<Provided> {
  const fromEnv = env.DATABASE_URL;
  if (fromEnv) {
    if (!(await postgresAnswers(fromEnv))) {
      throw new InfraUnavailableError(
        `DATABASE_URL is set but PostgreSQL does not answer at ${redactUrl(fromEnv)}. Start it, or unset DATABASE_URL.`,
      );
    }
    return { url: fromEnv, how: 'env', stop: async () => {} };
  }
  if (await containerRuntimeAnswers()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer(POSTGRES_IMAGE)
      .withExposedPorts(5432)
      .withEnvironment({ POSTGRES_PASSWORD: 'postgres', POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return {
      url: `postgres://postgres:postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`,
      how: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  const localUrl = env.LOCAL_POSTGRES_URL ?? LOCAL_POSTGRES_URL;
  if (await postgresAnswers(localUrl)) {
    return { url: localUrl, how: 'local', stop: async () => {} };
  }
  throw new InfraUnavailableError(
    `No PostgreSQL: DATABASE_URL is unset, no container runtime answered, and nothing answers at ${redactUrl(localUrl)}. ` +
      'Install and start PostgreSQL (apt-get install postgresql; pg_ctlcluster --skip-systemctl-redirect 15 main start), ' +
      'or start Docker, or set DATABASE_URL.',
  );
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

export function withDatabase(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface FreshDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty database named after `prefix` on the server behind `serverUrl`. */
export async function createFreshDatabase(serverUrl: string, prefix = 'sp_test'): Promise<FreshDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: withDatabase(serverUrl, name),
    name,
    drop: async () => {
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}
