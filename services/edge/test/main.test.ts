// The edge's composition root as a real process: public routes on PORT, /healthz, /readyz
// (the database, Kafka and the edge's topics answer) and /metrics on OPS_PORT, and a clean exit on SIGTERM.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Topics } from '@sp/contracts';
import { createTopic, freePort, testInfra, uniqueName, waitFor } from '@sp/testing';
import { expect, it } from 'vitest';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));

it('serves the public pages and the ops endpoints, and stops on SIGTERM', async () => {
  const [port, opsPort] = [await freePort(), await freePort()];
  const prefix = `${uniqueName('edge-main')}.`;
  await Promise.all(
    [Topics.emailOptOut, Topics.smsInbound, Topics.doNotSell, Topics.complaint, Topics.bounce].map((t) =>
      createTopic(testInfra().kafkaBrokers, '', { name: `${prefix}${t}` }),
    ),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serviceDir,
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
      TWILIO_AUTH_TOKEN: 'main-test-twilio-token',
      DNS_API_TOKEN: randomBytes(16).toString('hex'),
      // Issue 15: the edge seals identifiers with data keys kept in the database.
      DATABASE_URL: testInfra().databaseUrl,
      EVENT_KEYS: `e1:${randomBytes(32).toString('base64')}`,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const ops = `http://127.0.0.1:${opsPort}`;
    await waitFor('/readyz to answer 200', async () => (await fetch(`${ops}/readyz`)).status === 200);
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    const page = await fetch(`http://127.0.0.1:${port}/privacy/do-not-sell`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Do Not Sell/i);
    expect(await (await fetch(`${ops}/metrics`)).text()).toMatch(/service="edge"/);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});
