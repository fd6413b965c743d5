// The service kit (issue 17) with dependencies and parts the test defines: its real ops server
// over HTTP, its wait with backoff, its one error line, its ordered and bounded stop.
import { createLogger } from '@sp/observability';
import { waitFor } from '@sp/testing';
import { expect, it } from 'vitest';
import { type Dependency, defaultServiceSettings, runService } from '../src/kit';

interface Line {
  level: number;
  msg: string;
  [k: string]: unknown;
}

function capture() {
  const lines: Line[] = [];
  const logger = createLogger({
    service: 'kit-test',
    level: 'info',
    destination: { write: (l: string) => void lines.push(JSON.parse(l) as Line) },
  });
  return { lines, logger };
}

async function get(port: number, path: string) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return {
    status: r.status,
    body: (await r.json().catch(() => undefined)) as { checks?: Record<string, boolean> },
  };
}

it('waits for what is missing with /readyz false, names it in one error line, starts once it is there', async () => {
  const { lines, logger } = capture();
  let brokerUp = false;
  const kafka: Dependency = {
    name: 'kafka',
    missing: async () => (brokerUp ? undefined : 'no broker answers'),
  };
  const database: Dependency = { name: 'database', missing: async () => undefined };
  let started = 0;
  const svc = await runService({
    service: 'kit-test',
    settings: defaultServiceSettings({ opsPort: 0, dependencyReportAfterMs: 200 }),
    signals: false,
    logger,
    open: () => ({
      value: undefined,
      dependencies: [database, kafka],
      pools: [],
      start: async () => {
        started++;
        return { checks: [{ name: 'own', check: async () => true }] };
      },
    }),
  });
  expect((await get(svc.opsPort, '/healthz')).status).toBe(200);
  const before = await get(svc.opsPort, '/readyz');
  expect(before.status).toBe(503);
  expect(before.body.checks).toEqual({ database: true, kafka: false, started: false });

  const report = await waitFor('the error line', () => lines.find((l) => l.level === 50));
  expect(report.msg).toBe('kit-test cannot start yet, waiting for kafka (no broker answers)');
  // Reported again at the interval, and still waiting: the process does not give up.
  await waitFor('a second report', () => lines.filter((l) => l.level === 50).length >= 2);
  expect(started).toBe(0);

  brokerUp = true;
  await svc.started;
  expect(started).toBe(1);
  const after = await get(svc.opsPort, '/readyz');
  expect(after.status).toBe(200);
  expect(after.body.checks).toEqual({ database: true, kafka: true, started: true, own: true });
  await svc.stop();
});

it('stops inputs, then consumers, then the flush, then the pools in order; a hung step is bounded and the rest still runs', async () => {
  const { lines, logger } = capture();
  const order: string[] = [];
  const step =
    (name: string, ms = 0) =>
    async () => {
      await new Promise((r) => setTimeout(r, ms));
      order.push(name);
    };
  const svc = await runService({
    service: 'kit-test',
    settings: defaultServiceSettings({ opsPort: 0, stopStepTimeoutMs: 300 }),
    signals: false,
    logger,
    open: () => ({
      value: undefined,
      dependencies: [],
      pools: [step('bus'), step('database')],
      start: async () => ({
        inputs: [step('http', 20)],
        // A consumer that never finishes its stop.
        consumers: [() => new Promise<void>(() => {}), step('consumer')],
        flush: [step('relay')],
      }),
    }),
  });
  await expect(svc.stop()).rejects.toThrow(/some stop steps failed or timed out/);
  expect(order).toEqual(['http', 'consumer', 'relay', 'bus', 'database']);
  expect(lines.find((l) => l.level === 50)?.msg).toBe('stop step consumers[0] took too long; going on');
  await expect(fetch(`http://127.0.0.1:${svc.opsPort}/healthz`)).rejects.toThrow();
});

it('a stop while it still waits runs no start and closes the pools', async () => {
  const { logger } = capture();
  const closed: string[] = [];
  let started = false;
  const svc = await runService({
    service: 'kit-test',
    settings: defaultServiceSettings({ opsPort: 0 }),
    signals: false,
    logger,
    open: () => ({
      value: undefined,
      dependencies: [{ name: 'database', missing: async () => 'connection refused' }],
      pools: [async () => void closed.push('database')],
      start: async () => {
        started = true;
        return {};
      },
    }),
  });
  await svc.stop();
  await svc.started;
  expect(started).toBe(false);
  expect(closed).toEqual(['database']);
});
