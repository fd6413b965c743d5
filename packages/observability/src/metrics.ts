// Prometheus metrics, one registry per service (no global registry, so several services can
// share one process in standalone mode).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  counter(name: string, help: string, labelNames?: string[]): Counter<string>;
  gauge(name: string, help: string, labelNames?: string[]): Gauge<string>;
  histogram(name: string, help: string, labelNames?: string[], buckets?: number[]): Histogram<string>;
}

export function createMetrics(service: string, opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const made = new Map<string, Counter<string> | Gauge<string> | Histogram<string>>();
  function once<T extends Counter<string> | Gauge<string> | Histogram<string>>(
    name: string,
    make: () => T,
  ): T {
    const existing = made.get(name);
    if (existing) return existing as T;
    const m = make();
    made.set(name, m);
    return m;
  }
  return {
    registry,
    counter: (name, help, labelNames = []) =>
      once(name, () => new Counter({ name, help, labelNames, registers: [registry] })),
    gauge: (name, help, labelNames = []) =>
      once(name, () => new Gauge({ name, help, labelNames, registers: [registry] })),
    histogram: (name, help, labelNames = [], buckets) =>
      once(
        name,
        () =>
          new Histogram({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) }),
      ),
  };
}
