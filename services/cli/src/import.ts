// `suppress import FILE`: streams the file line by line and sends it in batches of lines (each with
// the number of its first line, so the API reports rejected lines by their number in the file).
// Progress goes to stderr: a bar on a TTY, plain lines otherwise.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ApiClient } from './client';

export interface ImportReport {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  skipped: number;
  rejections: Array<{ line: number; reason: string }>;
  rejectionsTruncated: boolean;
}

export interface ImportRun {
  file: string;
  format: 'csv' | 'ndjson';
  actor: string;
  batchLines: number;
  /** Batches in flight at once. */
  concurrency: number;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const MAX_KEPT_REJECTIONS = 10_000;

export async function importFile(client: ApiClient, run: ImportRun): Promise<ImportReport> {
  const size = (await stat(run.file)).size;
  const total: ImportReport = {
    lines: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    skipped: 0,
    rejections: [],
    rejectionsTruncated: false,
  };
  const tty = run.stderr.isTTY === true;
  let bytesDone = 0;
  const progress = (first: number, last: number) => {
    const pct = size > 0 ? Math.min(100, Math.floor((bytesDone / size) * 100)) : 100;
    if (tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      run.stderr.write(
        `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(pct).padStart(3)}%  ${total.lines} lines  ` +
          `accepted ${total.accepted}  duplicates ${total.duplicates}  rejected ${total.rejected}`,
      );
    } else {
      run.stderr.write(
        `import: lines ${first}-${last} done (${pct}%): accepted ${total.accepted}, duplicates ${total.duplicates}, rejected ${total.rejected}\n`,
      );
    }
  };

  const contentType = run.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const send = (firstLine: number, lines: string[], bytes: number) => {
    const path = `/v1/import?format=${run.format}&firstLine=${firstLine}&actor=${encodeURIComponent(run.actor)}`;
    const p = client
      .text<ImportReport>(path, `${lines.join('\n')}\n`, contentType)
      .then((r) => {
        total.lines += r.lines;
        total.accepted += r.accepted;
        total.duplicates += r.duplicates;
        total.rejected += r.rejected;
        total.skipped += r.skipped;
        for (const x of r.rejections) {
          if (total.rejections.length < MAX_KEPT_REJECTIONS) total.rejections.push(x);
          else total.rejectionsTruncated = true;
        }
        if (r.rejectionsTruncated) total.rejectionsTruncated = true;
        bytesDone += bytes;
        progress(firstLine, firstLine + lines.length - 1);
      })
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };

  const rl = createInterface({
    input: createReadStream(run.file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let batch: string[] = [];
  let batchBytes = 0;
  let first = 1;
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    batch.push(line);
    batchBytes += Buffer.byteLength(line) + 1;
    if (batch.length >= run.batchLines) {
      send(first, batch, batchBytes);
      batch = [];
      batchBytes = 0;
      first = lineNo + 1;
      while (inFlight.size >= run.concurrency) await Promise.race(inFlight);
      if (failure) break;
    }
  }
  rl.close();
  if (batch.length > 0 && !failure) send(first, batch, batchBytes);
  await Promise.all(inFlight);
  if (tty) run.stderr.write('\n');
  if (failure) throw failure;
  total.rejections.sort((a, b) => a.line - b.line);
  return total;
}

export function formatSummary(file: string, r: ImportReport): string {
  const out = [
    `import of ${file}:`,
    `  lines:      ${r.lines}`,
    `  accepted:   ${r.accepted}`,
    `  duplicates: ${r.duplicates}`,
    `  rejected:   ${r.rejected}`,
    `  skipped:    ${r.skipped}`,
  ];
  if (r.rejections.length > 0) {
    out.push('rejected lines:');
    for (const x of r.rejections) out.push(`  line ${x.line}: ${x.reason}`);
    if (r.rejectionsTruncated) out.push(`  ... and ${r.rejected - r.rejections.length} more`);
  }
  return `${out.join('\n')}\n`;
}
