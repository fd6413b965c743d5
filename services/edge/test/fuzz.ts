// Shared pieces of the ingress fuzz tests (issue 10): how many cases, control characters to
// sprinkle, and the one check at the end that every accepted opt-out is on the list.
import { type CheckQuery, checkMany, type SuppressionContext } from '@sp/suppression';
import { waitFor } from '@sp/testing';
import fc from 'fast-check';

/** Cases per property: modest in CI; FUZZ_RUNS=20000 for a long run (bench/README.md). */
export function fuzzRuns(ciDefault: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ciDefault;
}

/** C0 controls, DEL and a lone surrogate: what the edge must clean from text or refuse in ids. */
export const controlChar = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u001f',
  '\u007f',
);

/** `word` with control characters inserted at random places (cleaned, it is `word` again). */
export function sprinkled(word: string): fc.Arbitrary<string> {
  return fc.array(fc.tuple(fc.nat(word.length), controlChar), { maxLength: 4 }).map((inserts) => {
    let s = word;
    for (const [at, c] of inserts.sort((a, b) => b[0] - a[0])) s = s.slice(0, at) + c + s.slice(at);
    return s;
  });
}

/** Any text: unicode, raw UTF-16 units (lone surrogates), controls, occasionally very long. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }).chain((s) => sprinkled(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 80_000 }).map((n) => 'x'.repeat(n)) },
);

let seq = 0;
const base = Math.floor(Math.random() * 6_000_000);
/** A phone number no other case of this file uses (one case's START cannot undo another's STOP). */
export const freshPhone = () => `+1415${String(2_000_000 + base + seq++).padStart(7, '0')}`;
/** An address no other case uses. */
export const freshEmail = (tag: string) => `${tag}.${base.toString(36)}.${seq++}@fuzz.example.com`;

/** Waits until every query is answered "not allowed" (the accepted opt-outs reached the list). */
export async function allSuppressed(list: SuppressionContext, queries: CheckQuery[]): Promise<void> {
  if (queries.length === 0) return;
  let missing = queries.length;
  await waitFor(
    `every accepted opt-out on the list (${queries.length})`,
    async () => {
      const r = await checkMany(list, queries);
      missing = r.filter((x) => x.allowed).length;
      return missing === 0;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; still allowed: ${missing}`);
  });
}
