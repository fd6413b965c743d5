// A single-node KRaft Apache Kafka broker run from the project's own jars (fetched from Maven
// Central once into a cache folder), for machines without a container runtime.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

const KAFKA_VERSION = '4.1.1';

export class InfraUnavailableError extends Error {
  override name = 'InfraUnavailableError';
}

export interface LocalKafka {
  brokers: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface LocalKafkaOptions {
  cacheDir?: string;
  version?: string;
  /** Where the broker's data and log go; a fresh temporary folder when omitted. */
  workDir?: string;
  startTimeoutMs?: number;
}

function defaultCacheDir(): string {
  return process.env.KAFKA_CACHE_DIR ?? join(homedir(), '.cache', 'suppression-platform', 'kafka');
}

function commandExists(cmd: string, args: string[] = ['-version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Fetches kafka_2.13 and its runtime dependencies with Maven unless they are already cached. */
function ensureKafkaJars(cacheDir = defaultCacheDir(), version = KAFKA_VERSION): string {
  const dir = join(cacheDir, version);
  const libs = join(dir, 'libs');
  const done = join(dir, '.complete');
  if (existsSync(done)) return libs;
  if (!commandExists('java')) {
    throw new InfraUnavailableError(
      'No Kafka broker: KAFKA_BROKERS is unset, no container runtime answered, and `java` (17+) is not installed. ' +
        'Install a JDK (apt-get install openjdk-17-jre-headless) and Maven, or start Docker, or set KAFKA_BROKERS.',
    );
  }
  if (!commandExists('mvn', ['-v'])) {
    throw new InfraUnavailableError(
      'No Kafka broker: KAFKA_BROKERS is unset, no container runtime answered, and Maven (`mvn`) is not installed ' +
        'to fetch org.apache.kafka:kafka_2.13. Install it (apt-get install maven), or start Docker, or set KAFKA_BROKERS.',
    );
  }
  mkdirSync(dir, { recursive: true });
  rmSync(libs, { recursive: true, force: true });
  writeFileSync(
    join(dir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.suppression-platform</groupId><artifactId>kafka-jars</artifactId><version>1</version>
<dependencies><dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
<version>${version}</version></dependency></dependencies></project>\n`,
  );
  const r = spawnSync(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libs}`],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0 || !existsSync(libs) || readdirSync(libs).length === 0) {
    throw new InfraUnavailableError(
      `Fetching Kafka ${version} jars with Maven failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`,
    );
  }
  writeFileSync(done, new Date().toISOString());
  return libs;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const LOG4J2 = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN"><Appenders><Console name="out" target="SYSTEM_OUT">
<PatternLayout pattern="[%d] %p %m (%c)%n"/></Console></Appenders>
<Loggers><Root level="WARN"><AppenderRef ref="out"/></Root>
<Logger name="kafka.server.KafkaRaftServer" level="INFO"/></Loggers></Configuration>
`;

/**
 * The JVM runs under a small shell that kills it when our end of its stdin closes, so a test
 * run that is killed outright (SIGKILL) leaves no orphan broker behind.
 */
const WATCHDOG = `java "$@" &
j=$!
trap 'kill -TERM $j 2>/dev/null' TERM INT
( while read -r _; do :; done; kill -TERM $j 2>/dev/null ) <&0 &
wait $j
code=$?
wait $j 2>/dev/null
# A broker whose launcher died leaves no data behind either.
if [ -n "$SP_KAFKA_REMOVE_DIR" ]; then rm -rf "$SP_KAFKA_REMOVE_DIR"; fi
exit $code
`;

export async function startLocalKafka(opts: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const libs = ensureKafkaJars(opts.cacheDir, opts.version);
  const work = opts.workDir ?? mkdtempSync(join(tmpdir(), 'sp-kafka-'));
  const ownsWork = !opts.workDir;
  const logDirs = join(work, 'data');
  mkdirSync(logDirs, { recursive: true });
  const [port, cport] = [await freePort(), await freePort()];
  const props = join(work, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${cport}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${cport}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'inter.broker.listener.name=PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${logDirs}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=true',
      'log.flush.interval.messages=9223372036854775807',
      '',
    ].join('\n'),
  );
  const log4j = join(work, 'log4j2.xml');
  writeFileSync(log4j, LOG4J2);
  const cp = `${libs}/*`;
  const clusterId = randomBytes(16).toString('base64url');
  const fmt = spawnSync(
    'java',
    [
      '-cp',
      cp,
      `-Dlog4j2.configurationFile=${log4j}`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      props,
    ],
    { encoding: 'utf8' },
  );
  if (fmt.status !== 0) {
    throw new InfraUnavailableError(`Formatting Kafka storage failed:\n${fmt.stdout}\n${fmt.stderr}`);
  }
  const child = spawn(
    'bash',
    [
      '-c',
      WATCHDOG,
      'kafka-watchdog',
      '-Xmx512m',
      '-Xms256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-cp',
      cp,
      `-Dlog4j2.configurationFile=${log4j}`,
      'kafka.Kafka',
      props,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SP_KAFKA_REMOVE_DIR: ownsWork ? work : '' } },
  );
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const brokers = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    }
    if (ownsWork) rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitForBroker(brokers, opts.startTimeoutMs ?? 90_000, exited, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { brokers, pid: child.pid, stop };
}

async function waitForBroker(
  brokers: string,
  timeoutMs: number,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead: number | null | undefined;
  exited.then((code) => {
    dead = code;
  });
  const kafka = new Kafka({
    clientId: 'sp-wait',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  while (Date.now() < deadline) {
    if (dead !== undefined) {
      throw new InfraUnavailableError(`Kafka broker exited with ${dead} while starting:\n${output()}`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.controller !== null && cluster.brokers.length > 0) return;
    } catch {
      // not up yet
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new InfraUnavailableError(`Kafka broker did not come up within ${timeoutMs} ms:\n${output()}`);
}
