import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createMetrics, startOpsServer } from '../src/index';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('never writes an address or a phone number, at the top level or one level down', () => {
    const { lines, stream } = capture();
    const log = createLogger({ service: 't', destination: stream });
    log.info(
      { email: 'ann@example.com', subjectKey: 'k1:abc', event: { phone: '+14155550100', to: 'x@y.z' } },
      'hi',
    );
    const out = lines.join('');
    expect(out).not.toContain('ann@example.com');
    expect(out).not.toContain('+14155550100');
    expect(out).not.toContain('x@y.z');
    expect(out).toContain('k1:abc');
  });
});

describe('ops server', () => {
  it('answers /healthz, /readyz by its checks, and /metrics', async () => {
    const metrics = createMetrics('t', { defaultMetrics: false });
    metrics.counter('sp_consumed_total', 'consumed').inc(3);
    let dbUp = true;
    const ops = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registries: [metrics.registry],
      checks: [{ name: 'postgres', check: async () => dbUp }],
    });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      dbUp = false;
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'not ready', checks: { postgres: false } });
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/sp_consumed_total\{service="t"\} 3/);
    } finally {
      await ops.close();
    }
  });
});
