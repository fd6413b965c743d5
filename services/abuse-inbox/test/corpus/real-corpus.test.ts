// The real public samples the fixtures model, read by the inbox's parser when a local checkout of
// sisimai's set-of-emails (BSD licence, github.com/sisimai/set-of-emails) is at hand:
// SISIMAI_SET_OF_EMAILS=/path/to/set-of-emails (default /work/corpus/set-of-emails when present).
// Nothing of it is committed; without it this file says so and skips. It prints what the parser
// attributes and what it quarantines, so the fixtures can be compared with the originals, and
// asserts only what is safe for any sample: no crash, every ARF complaint naming a plain
// Original-Rcpt-To is attributed to it, every SNS e-mail of an SES bounce or complaint is read, no
// delivery-status report (a bounce) is taken for a complaint.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSealer, generateSecret } from '@sp/identity';
import { describe, expect, it } from 'vitest';
import { headerFields, mimeParts, parseContentType, splitMessage } from '../../src/mime';
import { analyzeReport } from '../../src/report';

const root = process.env.SISIMAI_SET_OF_EMAILS ?? '/work/corpus/set-of-emails';
const present = existsSync(join(root, 'maildir'));

function samples(): { file: string; raw: Buffer }[] {
  const out: { file: string; raw: Buffer }[] = [];
  for (const dir of ['bsd', 'dos', 'mac']) {
    const path = join(root, 'maildir', dir);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path).sort()) {
      if (/^(arf|lhost-amazonses)-\d+\.eml$/.test(name)) {
        out.push({ file: `maildir/${dir}/${name}`, raw: readFileSync(join(path, name)) });
      }
    }
  }
  return out;
}

const COMPLAINT_TYPES = new Set(['abuse', 'fraud', 'virus', 'other']);
// Placeholders a provider writes instead of the person (RFC 6590 redaction, hashes).
const PLACEHOLDER = /redact|hash|undisclosed|anonym|x{3,}|\*/i;

/** The plain Original-Rcpt-To addresses of an ARF complaint; [] for anything else. */
function plainRcptTo(raw: Buffer): string[] {
  const text = raw.toString('utf8').replace(/\r(?!\n)/g, '\r\n');
  const ct = parseContentType(headerFields(splitMessage(text).head).get('content-type')?.[0]);
  if (ct.type !== 'multipart/report' || ct.params['report-type']?.toLowerCase() !== 'feedback-report')
    return [];
  const report = mimeParts(text).find((p) => p.type === 'message/feedback-report');
  if (!report) return [];
  const f = headerFields(report.body);
  if (!COMPLAINT_TYPES.has(f.get('feedback-type')?.[0]?.toLowerCase() ?? '')) return [];
  return (f.get('original-rcpt-to') ?? [])
    .map((v) => /<?([^<>\s;]+@[^<>\s;]+\.[^<>\s;]+)>?/.exec(v.replace(/^rfc822;\s*/i, ''))?.[1])
    .filter((a): a is string => Boolean(a) && !PLACEHOLDER.test(a!.split('@')[0]!));
}

/** An SNS e-mail carrying an SES Bounce or Complaint notification (plain or in the envelope). */
function isSesFeedbackMail(raw: Buffer): boolean {
  const text = raw.toString('utf8');
  return (
    /^From:.*sns\.amazonaws\.com/im.test(text) &&
    /\\?"notificationType\\?"\s*:\s*\\?"(Bounce|Complaint)\\?"/.test(text)
  );
}

describe('the real sisimai corpus through the parser', () => {
  if (!present) {
    console.warn(
      `real-corpus check skipped: no checkout of sisimai set-of-emails at ${root} (set SISIMAI_SET_OF_EMAILS)`,
    );
    it.skip(`skipped: no checkout of sisimai set-of-emails at ${root} (set SISIMAI_SET_OF_EMAILS)`, () => {});
    return;
  }
  const sealer = createSealer({ currentKeyId: 'k1', keys: { k1: generateSecret() } });
  const opts = { sealer, recipientTokenHeader: 'x-sp-recipient-token', ownAddresses: [] };

  it('reads every arf-* and lhost-amazonses-* sample without a crash, and says what it makes of each', async () => {
    const rows: string[] = [];
    const misses: string[] = [];
    const all = samples();
    expect(all.length).toBeGreaterThan(20);
    for (const { file, raw } of all) {
      const a = await analyzeReport(raw, opts);
      const outcome = a.ok
        ? `attributed ${a.found.map((f) => f.kind).join('+')} x${a.found.length} by ${String(a.evidence.attributedBy ?? a.evidence.via)}`
        : `quarantined: ${a.reason}`;
      rows.push(`${file.padEnd(38)} ${outcome}`);
      const named = plainRcptTo(raw);
      if (named.length > 0) {
        const got = a.ok ? a.found.map((f) => f.email.toLowerCase()) : [];
        for (const email of named)
          if (!got.includes(email.toLowerCase())) misses.push(`${file}: ${email} not attributed`);
      }
      if (isSesFeedbackMail(raw) && !(a.ok && a.found.length > 0))
        misses.push(`${file}: SES notification not read`);
      const isDsn = /report-type="?delivery-status/i.test(raw.toString('utf8'));
      if (isDsn && a.ok && a.found.some((f) => f.kind === 'complaint'))
        misses.push(`${file}: a bounce (DSN) read as a complaint`);
    }
    console.info(`sisimai set-of-emails at ${root}:\n${rows.join('\n')}`);
    expect(misses).toEqual([]);
  });
});
