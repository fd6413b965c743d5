// A real abuse-inbox (SMTP on loopback, real Kafka bus, quarantine in a temp folder) on topics of
// its own, and the mails the tests send to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type createKeyer, type createSealer, generateSecret } from '@sp/identity';
import { createKafkaBus } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import { createTopic, readEvents, type TestEnvelope, testInfra } from '@sp/testing';
import nodemailer from 'nodemailer';
import { createAbuseInbox } from '../src/app';
import { type AbuseInboxConfig, loadConfig } from '../src/config';
import { type InboxDeps, inboxDepsFrom } from '../src/inbox';
import type { Quarantine } from '../src/quarantine';

import { ABUSE, UNSUB_DOMAIN } from './mails';

export { ABUSE, arfReport, forwardedSpam, originalMessage, plainMail, UNSUB_DOMAIN } from './mails';

export interface TestInbox {
  port: number;
  env: Record<string, string>;
  config: AbuseInboxConfig;
  deps: InboxDeps;
  quarantine: Quarantine;
  sealer: ReturnType<typeof createSealer>;
  keyer: ReturnType<typeof createKeyer>;
  brokers: string;
  send(raw: string, to: string[], from?: string): Promise<{ accepted: string[]; response: string }>;
  close(): Promise<void>;
}

export async function startInbox(overrides: Record<string, string> = {}): Promise<TestInbox> {
  const brokers = testInfra().kafkaBrokers;
  // Topics of its own unless the caller names them (e.g. the topics of consumers under test).
  const [optout, complaint, bounce] = await Promise.all(
    (
      [
        ['optout', 'TOPIC_EMAIL_OPTOUT'],
        ['complaint', 'TOPIC_COMPLAINT'],
        ['bounce', 'TOPIC_BOUNCE'],
      ] as const
    ).map(([p, env]) => overrides[env] ?? createTopic(brokers, `abuse-${p}`)),
  );
  const dir = mkdtempSync(join(tmpdir(), 'sp-quarantine-'));
  const env = {
    KAFKA_BROKERS: brokers,
    ABUSE_RECIPIENTS: `${ABUSE},fbl@ink.example`,
    UNSUBSCRIBE_DOMAIN: UNSUB_DOMAIN,
    QUARANTINE_DIR: dir,
    TOKEN_KEYS: `k1:${generateSecret()}`,
    SUBJECT_PEPPERS: `p1:${generateSecret()}`,
    TOPIC_EMAIL_OPTOUT: optout!,
    TOPIC_COMPLAINT: complaint!,
    TOPIC_BOUNCE: bounce!,
    ...overrides,
  };
  const config = loadConfig(env);
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: 'abuse-inbox-test' });
  const deps = inboxDepsFrom(config, bus, silentLogger());
  const { sealer, keyer, quarantine } = deps;
  const inbox = createAbuseInbox(deps);
  const { port } = await inbox.listen(0, '127.0.0.1');
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  return {
    port,
    env,
    config,
    deps,
    quarantine,
    sealer,
    keyer,
    brokers,
    async send(raw, to, from = 'forwarder@mailbox.example') {
      const info = await transport.sendMail({ envelope: { from, to }, raw });
      return { accepted: info.accepted.map(String), response: info.response };
    },
    close: async () => {
      transport.close();
      await inbox.close();
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Envelope<T = Record<string, unknown>> = TestEnvelope<T>;

export function events<T = Record<string, unknown>>(
  brokers: string,
  topic: string,
  count: number,
): Promise<{ key: string | null; event: Envelope<T> }[]> {
  return readEvents<T>(brokers, topic, count);
}

export function uniqueEmail(tag: string): string {
  return `${tag}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;
}
