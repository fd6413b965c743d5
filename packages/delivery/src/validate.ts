// Adapts a preparer to the bus's validator: bytes -> JSON -> Prepared, or a reason for the DLQ.
import type { Prepared, SendRequestBase } from './pipeline';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function toValidator<R extends SendRequestBase>(
  prepare: (envelope: unknown) => Prepared<R>,
): (topic: string, raw: Buffer | null) => ValidationResult<Prepared<R>> {
  return (_topic, raw) => {
    if (!raw) return { ok: false, error: 'empty message' };
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return { ok: false, error: 'not JSON' };
    }
    try {
      return { ok: true, value: prepare(json) };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  };
}
