// Import of suppressions: our CSV or NDJSON, or a provider's export (@sp/importers). Each entry
// becomes a 'suppression.admin.v1' event carrying the provider's reason, with the file, line and
// operator as ledger evidence, written in large chunks through COPY and one set-based statement
// (@sp/suppression writeImportedBulk); the next chunk is read and planned while one is written.
// A bad line is reported with its number and reason and never stops the import; a file that is not
// in the chosen format is refused with one message.
import { DEFAULT_SCOPE, FormatMismatch, type FormatOptions, readImport } from '@sp/importers';
import {
  countRecorded,
  type ImportedEntry,
  type Plan,
  planImported,
  type SuppressionContext,
  writeImportedBulk,
} from '@sp/suppression';
import { HttpError } from './errors';
import { type ImportBodyFormat, ImportRecord, type ImportReport, MAX_REPORTED_REJECTIONS } from './schemas';
import { subjectOf } from './subject';

export { importEventId } from '@sp/suppression';

export interface ImportOptions {
  format: ImportBodyFormat;
  /** Line number of the text's first line in the whole file. */
  firstLine: number;
  actor: string;
  /** The identity of the token that ran the import (recorded as the ledger's actor). */
  by?: string;
  file: string;
  dryRun: boolean;
  batchSize: number;
  now: Date;
  formatOptions: FormatOptions;
}

type Parsed = { line: number; entry: ImportedEntry } | { line: number; reject: string } | { line: number };

function* ndjsonEntries(text: string, firstLine: number): Generator<Parsed> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline ends the last line
  for (let i = 0; i < lines.length; i++) {
    const lineNo = firstLine + i;
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      yield { line: lineNo };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      yield { line: lineNo, reject: 'not valid JSON' };
      continue;
    }
    const r = ImportRecord.safeParse(value);
    if (!r.success) {
      const x = r.error.issues[0];
      // A record the CLI made from a provider's export names its line in that file.
      const own = (value as { line?: unknown } | null)?.line;
      const at = typeof own === 'number' && Number.isInteger(own) && own > 0 ? own : lineNo;
      yield { line: at, reject: x ? `${x.path.join('.') || 'line'}: ${x.message}` : 'invalid' };
      continue;
    }
    const s = subjectOf(r.data);
    const d = r.data;
    yield {
      // The CLI sends a provider file's entries as NDJSON with their line in the original file.
      line: d.line ?? lineNo,
      entry: {
        subjectType: s.type,
        value: s.value,
        channel: d.channel ?? DEFAULT_SCOPE[s.type].channel,
        purpose: d.purpose ?? DEFAULT_SCOPE[s.type].purpose,
        topic: d.topic ?? '*',
        reason: d.reason,
        reasonCode: d.reasonCode,
        occurredAt: d.occurredAt,
      },
    };
  }
}

async function* fileEntries(text: string, opts: ImportOptions): AsyncGenerator<Parsed> {
  if (opts.format === 'ndjson') {
    yield* ndjsonEntries(text, opts.firstLine);
    return;
  }
  const offset = opts.firstLine - 1;
  try {
    for await (const x of readImport(text, opts.format, opts.formatOptions)) {
      const line = x.line + offset;
      if (x.kind === 'entry') yield { line, entry: x.entry };
      else if (x.kind === 'reject') yield { line, reject: x.reason };
      else yield { line };
    }
  } catch (err) {
    if (err instanceof FormatMismatch) throw new HttpError(400, 'wrong_format', err.message);
    throw err;
  }
}

/** Parses `text` and writes the good entries in batches (or only counts them: dryRun). */
export async function importText(
  ctx: SuppressionContext,
  text: string,
  opts: ImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = {
    lines: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    skipped: 0,
    rejections: [],
    rejectionsTruncated: false,
    ...(opts.dryRun ? { dryRun: true } : {}),
  };
  const reject = (line: number, reason: string) => {
    report.rejected++;
    if (report.rejections.length < MAX_REPORTED_REJECTIONS) report.rejections.push({ line, reason });
    else report.rejectionsTruncated = true;
  };
  let batch: Plan[] = [];
  // One chunk is written while the next is read and planned; chunks are written one after another.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
    const chunk = batch;
    batch = [];
    await writing;
    writing = (async () => {
      if (opts.dryRun) {
        const known = await countRecorded(ctx, chunk);
        report.duplicates += known;
        report.accepted += chunk.length - known;
      } else {
        const done = await writeImportedBulk(ctx, chunk);
        report.accepted += done.accepted;
        report.duplicates += done.duplicates;
      }
    })();
    // A failed write fails the import at the next flush or at the end, never unhandled.
    writing.catch(() => {});
  };
  let sinceYield = 0;

  let lastLine = opts.firstLine - 1;
  for await (const x of fileEntries(text, opts)) {
    lastLine = Math.max(lastLine, x.line);
    if ('reject' in x) reject(x.line, x.reject);
    else if (!('entry' in x)) report.skipped++;
    else {
      const plan = planImported(
        ctx,
        x.entry,
        { file: opts.file, line: x.line, operator: opts.actor, ...(opts.by ? { by: opts.by } : {}) },
        opts.now,
      );
      if (typeof plan === 'string') reject(x.line, plan);
      else {
        batch.push(plan);
        if (batch.length >= opts.batchSize) await flush();
      }
    }
    // Parsing a body in memory never waits on I/O: let the chunk being written make progress.
    if (++sinceYield >= 1000) {
      sinceYield = 0;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  await flush();
  await writing;
  // Lines of the body, counted as its text has them (a quoted CSV field may span several).
  const physical = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  report.lines = Math.max(physical, lastLine - opts.firstLine + 1);
  report.rejections.sort((a, b) => a.line - b.line);
  return report;
}
