// The abuse-inbox's composition root on the service kit (issue 17) as a real process: /readyz
// false until its topics exist (the catalog's behind TOPIC_PREFIX), then SMTP answers, and
// SIGTERM stops it with exit code 0.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@sp/contracts';
import { SEED_HIT_TOPIC } from '@sp/suppression';
import {
  createTopic,
  freePort,
  freshDatabase,
  startProcess,
  testInfra,
  uniqueName,
  waitFor,
} from '@sp/testing';
import { expect, it } from 'vitest';

it('waits for its topics with /readyz false, then takes SMTP, and stops on SIGTERM', async () => {
  const { kafkaBrokers } = testInfra();
  const db = await freshDatabase('sp_inbox_main');
  const dir = mkdtempSync(join(tmpdir(), 'sp-inbox-main-'));
  const prefix = `${uniqueName('inbox-main')}.`;
  const [smtpPort, opsPort] = [await freePort(), await freePort()];
  const inbox = startProcess('abuse-inbox', {
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: db.url,
    TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'info',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    OPS_PORT: String(opsPort),
    ABUSE_RECIPIENTS: 'abuse@inkshop.example',
    QUARANTINE_DIR: join(dir, 'quarantine'),
    HELD_DIR: join(dir, 'held'),
    TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    SUBJECT_PEPPERS: `p1:${randomBytes(32).toString('base64url')}`,
    EVENT_KEYS: `e1:${randomBytes(32).toString('base64')}`,
  });
  try {
    await waitFor(
      '/healthz',
      async () => (await inbox.ops('/healthz').catch(() => undefined))?.status === 200,
    );
    const before = await inbox.ops('/readyz');
    expect(before.status).toBe(503);
    expect(JSON.parse(before.body).checks).toMatchObject({ topics: false, started: false });

    await Promise.all(
      [Topics.emailOptOut, Topics.complaint, Topics.bounce, SEED_HIT_TOPIC].map((t) =>
        createTopic(kafkaBrokers, '', { name: `${prefix}${t}` }),
      ),
    );
    await waitFor(
      '/readyz 200 once the topics exist',
      async () => (await inbox.ops('/readyz')).status === 200,
      {
        timeoutMs: 120_000,
      },
    );
    const greeting = await new Promise<string>((resolve, reject) => {
      const s = createConnection(smtpPort, '127.0.0.1');
      s.once('data', (d) => {
        resolve(d.toString());
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(greeting).toMatch(/^220 /);
    expect(await inbox.ops('/metrics').then((r) => r.body)).toMatch(/service="abuse-inbox"/);
    inbox.child.kill('SIGTERM');
    expect(await inbox.exited).toEqual({ code: 0, signal: null });
  } finally {
    if (inbox.child.exitCode === null) inbox.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
});
