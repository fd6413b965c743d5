export { createLogger, type Logger, type LoggerOptions, REDACT_PATHS, silentLogger } from './logger';
export { createMetrics, type Metrics } from './metrics';
export { type OpsServer, type ReadinessCheck, startOpsServer } from './ops-server';
export {
  injectTraceHeaders,
  nameServerSpan,
  SpanKind,
  startTracing,
  type Tracing,
  tracedRequestListener,
  tracer,
  withDbSpan,
  withExtractedContext,
  withSpan,
} from './tracing';
