// `suppress import FILE`: reads the file here (our CSV, a provider's export: @sp/importers; NDJSON as
// is) and sends its entries to the API in batches of file lines, as NDJSON records that carry their
// line in the file, their reason code and the provider's date. Progress goes to stderr: rate and ETA
// on a TTY, plain lines otherwise. Rejected lines: the first few on the terminal, all in a file.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { type FormatOptions, type ImportEntry, type ImportFormat, readImport } from '@sp/importers';
import type { ApiClient } from './client';

export interface ImportReport {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  skipped: number;
  rejections: Array<{ line: number; reason: string }>;
  rejectionsTruncated: boolean;
  dryRun?: boolean;
  /** Where every rejected line is listed, when there were any. */
  reportFile?: string;
}

export interface ImportRun {
  file: string;
  format: ImportFormat | 'ndjson';
  actor: string;
  batchLines: number;
  /** Batches in flight at once. */
  concurrency: number;
  dryRun: boolean;
  formatOptions: FormatOptions;
  /** The full list of rejected lines; default FILE.rejected.txt. */
  reportFile?: string;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  clock?: () => number;
}

/** Rejected lines kept in memory and shown on the terminal; the report file has them all. */
const SHOWN_REJECTIONS = 20;

interface Batch {
  first: number;
  last: number;
  records: string[];
  bytes: number;
}

function recordOf(line: number, e: ImportEntry): string {
  const subject =
    e.subjectType === 'email'
      ? { email: e.value }
      : e.subjectType === 'phone'
        ? { phone: e.value }
        : { id: e.value, idType: e.subjectType };
  return JSON.stringify({
    ...subject,
    channel: e.channel,
    purpose: e.purpose,
    topic: e.topic,
    reason: e.reason.slice(0, 2000),
    ...(e.reasonCode ? { reasonCode: e.reasonCode } : {}),
    ...(e.occurredAt ? { occurredAt: e.occurredAt } : {}),
    line,
  });
}

/** The file's lines (NDJSON, sent as they are) or its entries (every other format), in batches. */
async function* batches(run: ImportRun, counted: AsyncIterable<Buffer>, reject: Reject, skip: () => void) {
  let b: Batch = { first: 1, last: 0, records: [], bytes: 0 };
  const cut = (line: number) => line > b.first + run.batchLines - 1;
  if (run.format === 'ndjson') {
    let no = 0;
    for await (const l of createInterface({
      input: Readable.from(counted),
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      no++;
      // One record per line, blank ones too: the API numbers the body's lines from firstLine.
      b.records.push(l.trim() === '' || l.trimStart().startsWith('#') ? '' : l);
      b.last = no;
      if (b.records.length >= run.batchLines) {
        yield b;
        b = { first: no + 1, last: no, records: [], bytes: 0 };
      }
    }
  } else {
    for await (const x of readImport(counted, run.format, run.formatOptions)) {
      while (cut(x.line)) {
        if (b.last >= b.first) yield b;
        const first = b.first + run.batchLines;
        b = { first, last: first - 1, records: [], bytes: 0 };
      }
      b.last = Math.max(b.last, x.line);
      if (x.kind === 'entry') b.records.push(recordOf(x.line, x.entry));
      else if (x.kind === 'reject') reject(x.line, x.reason);
      else skip();
    }
  }
  if (b.last >= b.first) yield b;
}

type Reject = (line: number, reason: string) => void;

export async function importFile(client: ApiClient, run: ImportRun): Promise<ImportReport> {
  const clock = run.clock ?? Date.now;
  const size = (await stat(run.file)).size;
  const total: ImportReport = {
    lines: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    skipped: 0,
    rejections: [],
    rejectionsTruncated: false,
    ...(run.dryRun ? { dryRun: true } : {}),
  };
  const reportPath = run.reportFile ?? `${run.file}.rejected.txt`;
  let report: WriteStream | undefined;
  const reject: Reject = (line, reason) => {
    total.rejected++;
    if (total.rejections.length < SHOWN_REJECTIONS) total.rejections.push({ line, reason });
    else total.rejectionsTruncated = true;
    report ??= createWriteStream(reportPath);
    report.write(`line ${line}: ${reason.replace(/\s+/g, ' ')}\n`);
  };

  // Bytes read so far, for the percentage and the ETA.
  let bytesRead = 0;
  const counted = (async function* () {
    for await (const chunk of createReadStream(run.file)) {
      bytesRead += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  })();

  const tty = run.stderr.isTTY === true;
  const started = clock();
  const progress = (first: number, last: number) => {
    const pct = size > 0 ? Math.min(100, Math.floor((bytesRead / size) * 100)) : 100;
    const seconds = Math.max(0.001, (clock() - started) / 1000);
    const rate = Math.round(total.lines / seconds);
    if (tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const eta = pct > 0 && pct < 100 ? Math.round((seconds * (100 - pct)) / pct) : 0;
      run.stderr.write(
        `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(pct).padStart(3)}%  ${total.lines} lines  ` +
          `${rate}/s  ETA ${eta}s  accepted ${total.accepted}  duplicates ${total.duplicates}  rejected ${total.rejected}`,
      );
    } else {
      run.stderr.write(
        `import: lines ${first}-${last} done (${pct}%, ${rate} lines/s): accepted ${total.accepted}, duplicates ${total.duplicates}, rejected ${total.rejected}\n`,
      );
    }
  };

  const path = (first: number) =>
    `/v1/import?format=ndjson&firstLine=${first}&actor=${encodeURIComponent(run.actor)}` +
    `&file=${encodeURIComponent(basename(run.file))}${run.dryRun ? '&dryRun=true' : ''}`;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const send = (b: Batch) => {
    const p = client
      .text<ImportReport>(path(b.first), `${b.records.join('\n')}\n`, 'application/x-ndjson')
      .then((r) => {
        total.accepted += r.accepted;
        total.duplicates += r.duplicates;
        // Blank lines of the NDJSON body are the file's skipped lines; our CSV/provider skips are counted here.
        if (run.format === 'ndjson') total.skipped += r.skipped;
        for (const x of r.rejections) reject(x.line, x.reason);
        if (r.rejectionsTruncated) total.rejectionsTruncated = true;
        total.lines = Math.max(total.lines, b.last);
        progress(b.first, b.last);
      })
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };

  try {
    for await (const b of batches(run, counted, reject, () => total.skipped++)) {
      if (b.records.every((r) => r === '')) {
        // Nothing to send (only skipped or rejected lines): count it here.
        if (run.format === 'ndjson') total.skipped += b.records.length;
        total.lines = Math.max(total.lines, b.last);
        progress(b.first, b.last);
        continue;
      }
      send(b);
      while (inFlight.size >= run.concurrency) await Promise.race(inFlight);
      if (failure) break;
    }
    await Promise.all(inFlight);
  } finally {
    if (tty) run.stderr.write('\n');
    if (report) await new Promise<void>((r) => report!.end(r));
  }
  if (failure) throw failure;
  total.rejections.sort((a, b) => a.line - b.line);
  if (report) total.reportFile = reportPath;
  return total;
}

export function formatSummary(file: string, r: ImportReport): string {
  const out = [
    `import of ${file}${r.dryRun ? ' (dry run: nothing written)' : ''}:`,
    `  lines:      ${r.lines}`,
    `  accepted:   ${r.accepted}`,
    `  duplicates: ${r.duplicates}`,
    `  rejected:   ${r.rejected}`,
    `  skipped:    ${r.skipped}`,
  ];
  if (r.rejections.length > 0) {
    out.push('rejected lines:');
    for (const x of r.rejections) out.push(`  line ${x.line}: ${x.reason}`);
    if (r.rejected > r.rejections.length) out.push(`  ... and ${r.rejected - r.rejections.length} more`);
    if (r.reportFile) out.push(`every rejected line: ${r.reportFile}`);
  }
  return `${out.join('\n')}\n`;
}
