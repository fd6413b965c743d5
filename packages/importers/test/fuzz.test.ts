// Fuzz of the provider readers: each real-shaped fixture (fixtures/README.md names the provider
// documentation each models) cut short, with random text spliced in (quotes, commas, line breaks,
// a BOM, NULs) or replaced by random text. Whatever arrives, a reader either refuses the whole file
// with one FormatMismatch or yields items; it never throws anything else, every item names a line
// of the file, and every entry has an identifier and a scope.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatMismatch, type ImportFormat, type ImportItem, readImport } from '../src';

const CASES: Array<[file: string, format: ImportFormat]> = [
  ['sendgrid-bounces.csv', 'sendgrid-bounces'],
  ['sendgrid-bounces.json', 'sendgrid-bounces'],
  ['sendgrid-group-unsubscribes.json', 'sendgrid-group-unsubscribes'],
  ['sendgrid-unsubscribes.csv', 'sendgrid-unsubscribes'],
  ['mailchimp-unsubscribed.csv', 'mailchimp'],
  ['postmark-dump.json', 'postmark'],
  ['mailgun-bounces.json', 'mailgun-bounces'],
  ['mailgun-complaints.csv', 'mailgun-complaints'],
  ['ses-suppressed.json', 'ses'],
  ['twilio-optouts.csv', 'twilio'],
];

const noise = fc
  .array(fc.constantFrom(...'ab0@.,;"\'\r\n\t {}[]:\\-'.split(''), '\u0000', '\ufeff'), { maxLength: 40 })
  .map((cs) => cs.join(''));

/** The fixture with `cut` characters kept and `insert` spliced in at `at` (both modulo its length). */
const mangled = (text: string) =>
  fc.oneof(
    fc.record({ cut: fc.nat(), at: fc.nat(), insert: noise }).map(({ cut, at, insert }) => {
      const kept = text.slice(0, cut % (text.length + 1));
      const i = at % (kept.length + 1);
      return `${kept.slice(0, i)}${insert}${kept.slice(i)}`;
    }),
    fc.string({ maxLength: 200 }),
  );

async function readAll(text: string, format: ImportFormat): Promise<ImportItem[] | FormatMismatch> {
  const out: ImportItem[] = [];
  try {
    for await (const x of readImport(text, format, { topics: { promos: 'promos' } })) out.push(x);
  } catch (err) {
    if (err instanceof FormatMismatch) return err;
    throw err;
  }
  return out;
}

describe('provider readers under fuzz (issue 12)', () => {
  for (const [file, format] of CASES) {
    it(`${format} (${file}): one FormatMismatch or items on real lines, nothing else`, async () => {
      const text = await readFile(join(import.meta.dirname, 'fixtures', file), 'utf8');
      await fc.assert(
        fc.asyncProperty(mangled(text), async (input) => {
          const got = await readAll(input, format);
          if (got instanceof FormatMismatch) {
            expect(got.message.length).toBeGreaterThan(0);
            return;
          }
          const lines = input.split('\n').length;
          for (const item of got) {
            expect(Number.isInteger(item.line) && item.line >= 1 && item.line <= lines + 1).toBe(true);
            if (item.kind === 'entry') {
              expect(item.entry.value.length).toBeGreaterThan(0);
              expect(['email', 'sms', 'any']).toContain(item.entry.channel);
              expect(item.entry.topic.length).toBeGreaterThan(0);
            }
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
