// Structured JSON logs. Personal data never reaches a log line: the fields that can hold an
// address, a phone number or a message body are censored wherever they appear (one level deep).
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

const PII_FIELDS = ['email', 'phone', 'to', 'from', 'address', 'body', 'recipient', 'value', 'subject.value'];
export const REDACT_PATHS = PII_FIELDS.flatMap((f) => [f, `*.${f}`]);

export interface LoggerOptions {
  service: string;
  level?: string;
  destination?: DestinationStream;
}

export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A logger that drops everything, for tools and tests that do not want output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
