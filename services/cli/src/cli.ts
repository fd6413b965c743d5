// The `suppress` command: parses arguments (node:util parseArgs), talks to the suppression API over
// HTTP and maps outcomes to exit codes.
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { ApiError, createClient } from './client';
import type { CliEnv } from './config';
import { formatSummary, importFile } from './import';
import { RECORD_COMMANDS, RECORD_USAGE, runRecords } from './records';

/**
 * Exit codes:
 *  0  done (for `check`: the message is allowed)
 *  1  done, and the answer is "no": `check` said not allowed, or `import` rejected at least one line
 *  2  usage error (unknown command or flag, missing or bad value)
 *  3  API error (unreachable, bad token, refused request, server error)
 */
export const EXIT = { ok: 0, no: 1, usage: 2, api: 3 } as const;

export interface Io {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
}

class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: suppress <command> [flags]

commands:
  check    --email E | --phone P | --id I [--id-type customer|device]
           --channel email|sms --kind marketing|transactional|sale_share [--topic T]
           (kind is the SENDER's classification: transactional only for templates registered
           as one of the five CAN-SPAM transactional types)
  add      <subject> --channel email|sms|any --purpose marketing|all|sale_share [--topic T]
           --reason TEXT [--actor NAME]
           service desk: add <subject> --method phone|email|letter|in-person --agent NAME
           (defaults: --channel email --purpose marketing, reason "opt-out requested by <method>";
           the ledger keeps the method, the agent and the time)
  lift     same flags as add
  history  <subject>
  erase    <subject> [--request-id ID] [--reason TEXT] [--actor NAME]
           (CCPA deletion: drops the readable address and every sealed copy; the opt-outs stay by key)
  import   FILE [--format csv|ndjson] [--actor NAME] [--batch-lines N] [--concurrency N]
           CSV lines: identifier,channel,purpose,topic,reason; NDJSON: {"email":...,"reason":...}
  export   [--format csv|ndjson] [--channel C] [--purpose P] [--out FILE]
           (R-EM-4: only for processors that send on our behalf)
  stats    [--days N]
  link     --email E [--topic T] [--campaign ID]   (List-Unsubscribe link and mailto)
  partner add   --name N --contact C --hash-format md5|sha256|hmac-sha256 [--topics T1,T2]
                [--seeds N]   (prints the partner token and key ONCE)
  partner list  (last download, stale and seed-hit flags)
  partner file  [--since WATERMARK] [--gzip] [--out FILE]   (with a partner token: its file)
${RECORD_USAGE}
common flags: --api URL (or SUPPRESS_API_URL), --token TOKEN (or SUPPRESS_API_TOKEN), --json
exit codes: 0 ok/allowed, 1 not allowed or lines rejected, 2 usage error, 3 API error
`;

const OPTIONS = {
  api: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  email: { type: 'string' },
  phone: { type: 'string' },
  id: { type: 'string' },
  'id-type': { type: 'string' },
  channel: { type: 'string' },
  kind: { type: 'string' },
  purpose: { type: 'string' },
  topic: { type: 'string' },
  reason: { type: 'string' },
  actor: { type: 'string' },
  format: { type: 'string' },
  'batch-lines': { type: 'string' },
  concurrency: { type: 'string' },
  out: { type: 'string' },
  days: { type: 'string' },
  campaign: { type: 'string' },
  name: { type: 'string' },
  contact: { type: 'string' },
  'hash-format': { type: 'string' },
  topics: { type: 'string' },
  seeds: { type: 'string' },
  since: { type: 'string' },
  gzip: { type: 'boolean', default: false },
  method: { type: 'string' },
  agent: { type: 'string' },
  'request-id': { type: 'string' },
} as const;

const METHODS = ['phone', 'email', 'letter', 'in-person'] as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], def?: T): T {
  if (v === undefined) {
    if (def !== undefined) return def;
    throw new UsageError(`--${name} is required (${allowed.join('|')})`);
  }
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`--${name} must be one of ${allowed.join('|')}`);
  return v as T;
}

function required(name: string, v: string | undefined): string {
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

function positiveInt(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a positive integer`);
  return Number(v);
}

function subject(v: Values): Record<string, string> {
  const given = (['email', 'phone', 'id'] as const).filter((k) => v[k] !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --email, --phone or --id');
  const k = given[0]!;
  return {
    [k]: v[k]!,
    ...(k === 'id'
      ? { idType: oneOf('id-type', v['id-type'], ['customer', 'device'] as const, 'customer') }
      : {}),
  };
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

const line = (io: Io, s: string) => io.stdout.write(`${s}\n`);

interface Reason {
  reason: string;
  channel: string;
  purpose: string;
  topic: string;
  since: string;
  source: string;
}

export async function run(argv: string[], env: CliEnv, io: Io): Promise<number> {
  if ((RECORD_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return runRecords(argv, env, io);
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`suppress: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help || !command) {
    (v.help ? io.stdout : io.stderr).write(USAGE);
    return v.help ? EXIT.ok : EXIT.usage;
  }
  try {
    const apiUrl = v.api ?? env.apiUrl;
    const token = v.token ?? env.token;
    if (!apiUrl) throw new UsageError('no API URL: pass --api or set SUPPRESS_API_URL');
    if (!token) throw new UsageError('no token: pass --token or set SUPPRESS_API_TOKEN');
    const client = createClient(apiUrl, token);
    const actor = v.actor ?? env.actor ?? 'cli';
    const out = (data: unknown, human: () => void) =>
      v.json ? line(io, JSON.stringify(data, null, 2)) : human();
    const noExtra = () => {
      if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
    };

    switch (command) {
      case 'check': {
        noExtra();
        const body = {
          ...subject(v),
          channel: oneOf('channel', v.channel, ['email', 'sms'] as const),
          kind: oneOf('kind', v.kind, ['marketing', 'transactional', 'sale_share'] as const),
          ...(v.topic ? { topic: v.topic } : {}),
        };
        const r = await client.json<{ allowed: boolean; subjectKey: string; reasons: Reason[] }>(
          'POST',
          '/v1/check',
          body,
        );
        out(r, () => {
          line(io, `${r.allowed ? 'allowed' : 'NOT allowed'} (subject key ${r.subjectKey})`);
          for (const x of r.reasons) {
            line(io, `  ${x.reason}: ${x.channel}/${x.purpose}/${x.topic} since ${x.since} (${x.source})`);
          }
        });
        return r.allowed ? EXIT.ok : EXIT.no;
      }
      case 'add':
      case 'lift': {
        noExtra();
        // A request taken by the service desk: the agent who took it is the actor, and the
        // method goes into the ledger with it; "stop marketing email" is what such calls ask.
        const method = v.method === undefined ? undefined : oneOf('method', v.method, METHODS);
        if (method && !v.agent) throw new UsageError('--method needs --agent NAME (who took the request)');
        if (v.agent && !method) throw new UsageError('--agent goes with --method');
        const body = {
          ...subject(v),
          channel: oneOf(
            'channel',
            v.channel,
            ['email', 'sms', 'any'] as const,
            method ? 'email' : undefined,
          ),
          purpose: oneOf(
            'purpose',
            v.purpose,
            ['marketing', 'all', 'sale_share'] as const,
            method ? 'marketing' : undefined,
          ),
          topic: v.topic ?? '*',
          actor: method ? v.agent! : actor,
          reason: method && !v.reason ? `opt-out requested by ${method}` : required('reason', v.reason),
          ...(method ? { method } : {}),
        };
        const r = await client.json<{
          eventId: string;
          subjectKey: string;
          applied: boolean;
          changes: unknown[];
        }>('POST', command === 'add' ? '/v1/entries' : '/v1/entries/lift', body);
        out(r, () =>
          line(
            io,
            `${command === 'add' ? 'suppressed' : 'lifted'} ${body.channel}/${body.purpose}/${body.topic} for ${r.subjectKey} ` +
              `(event ${r.eventId}, ${r.changes.length} change${r.changes.length === 1 ? '' : 's'})`,
          ),
        );
        return EXIT.ok;
      }
      case 'history': {
        noExtra();
        const r = await client.json<{
          subjectKey: string;
          entries: Array<{
            occurredAt: string;
            type: string;
            source: string;
            scopes: Array<Reason & { suppressed: boolean }>;
            payload?: { data?: { actor?: string; actorName?: string; method?: string } };
          }>;
        }>('GET', `/v1/history${query(subject(v))}`);
        out(r, () => {
          line(
            io,
            `history of ${r.subjectKey}: ${r.entries.length} event${r.entries.length === 1 ? '' : 's'}`,
          );
          for (const e of r.entries) {
            const scopes = e.scopes
              .map((s) => `${s.suppressed ? '+' : '-'}${s.channel}/${s.purpose}/${s.topic} (${s.reason})`)
              .join(', ');
            const d = e.payload?.data;
            // The person the request named, then the token's identity that made the write.
            const by = d?.actorName ? `${d.actorName} via ${d.actor}` : d?.actor;
            const who = by ? `  by ${by}${d?.method ? ` (${d.method})` : ''}` : '';
            line(io, `  ${e.occurredAt}  ${e.type}  ${e.source}  ${scopes}${who}`);
          }
        });
        return EXIT.ok;
      }
      case 'erase': {
        noExtra();
        const body = {
          ...subject(v),
          actor,
          ...(v['request-id'] ? { requestId: v['request-id'] } : {}),
          ...(v.reason ? { reason: v.reason } : {}),
        };
        const r = await client.json<{
          requestId: string;
          eventId: string;
          subjectKey: string;
          vaultCopiesDeleted: number;
          dataKeysShredded: number;
        }>('POST', '/v1/erasures', body);
        out(r, () =>
          line(
            io,
            `erased ${r.subjectKey} (request ${r.requestId}, event ${r.eventId}): ` +
              `${r.vaultCopiesDeleted} readable cop${r.vaultCopiesDeleted === 1 ? 'y' : 'ies'} deleted, ` +
              `${r.dataKeysShredded} data key${r.dataKeysShredded === 1 ? '' : 's'} shredded; still suppressed by key`,
          ),
        );
        return EXIT.ok;
      }
      case 'import': {
        if (rest.length !== 1) throw new UsageError('import needs exactly one FILE');
        const file = rest[0]!;
        const format = oneOf(
          'format',
          v.format,
          ['csv', 'ndjson'] as const,
          /\.(ndjson|jsonl)$/i.test(file) ? 'ndjson' : 'csv',
        );
        const report = await importFile(client, {
          file,
          format,
          actor,
          batchLines: positiveInt('batch-lines', v['batch-lines'], 5000),
          concurrency: positiveInt('concurrency', v.concurrency, 2),
          stderr: io.stderr,
        });
        out(report, () => io.stdout.write(formatSummary(file, report)));
        return report.rejected > 0 ? EXIT.no : EXIT.ok;
      }
      case 'export': {
        noExtra();
        const format = oneOf('format', v.format, ['csv', 'ndjson'] as const, 'ndjson');
        const body = await client.stream(
          `/v1/export${query({ format, channel: v.channel, purpose: v.purpose })}`,
        );
        const sink = v.out ? createWriteStream(v.out) : io.stdout;
        await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), sink, {
          end: !!v.out,
        });
        return EXIT.ok;
      }
      case 'partner': {
        const [sub, ...more] = rest;
        if (more.length > 0) throw new UsageError(`unexpected argument: ${more[0]}`);
        if (sub === 'add') {
          const body = {
            name: required('name', v.name),
            contact: required('contact', v.contact),
            hashFormat: oneOf('hash-format', v['hash-format'], ['md5', 'sha256', 'hmac-sha256'] as const),
            topics: (v.topics ?? '*')
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
            seeds: v.seeds === undefined ? 3 : Number(v.seeds),
            actor,
          };
          if (!Number.isInteger(body.seeds) || body.seeds < 0)
            throw new UsageError('--seeds must be a whole number');
          const r = await client.json<{
            partner: { id: string; name: string };
            token: string;
            hmacKey: string | null;
            seeds: string[];
          }>('POST', '/v1/partners', body);
          out(r, () => {
            line(io, `partner ${r.partner.id} (${r.partner.name}) registered`);
            line(io, `token (shown once): ${r.token}`);
            if (r.hmacKey) line(io, `HMAC-SHA256 key (shown once, base64): ${r.hmacKey}`);
            line(io, `${r.seeds.length} seed address${r.seeds.length === 1 ? '' : 'es'} in its file`);
          });
          return EXIT.ok;
        }
        if (sub === 'list') {
          const r = await client.json<{
            partners: Array<{
              id: string;
              name: string;
              hashFormat: string;
              lastDownloadAt: string | null;
              stale: boolean;
              flaggedAt: string | null;
            }>;
          }>('GET', '/v1/partners');
          out(r, () => {
            for (const p of r.partners) {
              const flags = [p.stale ? 'STALE' : '', p.flaggedAt ? `SEED-HIT ${p.flaggedAt}` : '']
                .filter(Boolean)
                .join(' ');
              line(
                io,
                `${p.id}  ${p.name}  ${p.hashFormat}  last file ${p.lastDownloadAt ?? 'never'}${flags ? `  ${flags}` : ''}`,
              );
            }
          });
          return EXIT.ok;
        }
        if (sub === 'file') {
          const body = await client.stream(
            `/v1/partner/suppression-file${query({ since: v.since, gzip: v.gzip ? 'true' : undefined })}`,
          );
          const sink = v.out ? createWriteStream(v.out) : io.stdout;
          await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), sink, {
            end: !!v.out,
          });
          return EXIT.ok;
        }
        throw new UsageError('partner needs add, list or file');
      }
      case 'stats': {
        noExtra();
        const r = await client.json<{
          suppressedSubjects: number;
          entries: Array<{ reason: string; channel: string; purpose: string; count: number }>;
          complaintRate: {
            windowDays: number;
            complaints: number;
            sentMarketingEmail: number;
            rate: number | null;
            status: string;
          };
        }>(
          'GET',
          `/v1/stats${query({ days: v.days === undefined ? undefined : String(positiveInt('days', v.days, 30)) })}`,
        );
        out(r, () => {
          line(io, `suppressed subjects: ${r.suppressedSubjects}`);
          for (const e of r.entries)
            line(io, `  ${e.reason.padEnd(28)} ${`${e.channel}/${e.purpose}`.padEnd(18)} ${e.count}`);
          const c = r.complaintRate;
          const pct = c.rate === null ? 'n/a' : `${(c.rate * 100).toFixed(3)}%`;
          line(
            io,
            `spam-complaint rate (${c.windowDays} days): ${pct} = ${c.complaints} / ${c.sentMarketingEmail} marketing emails [${c.status}] (target < 0.1%, alert at 0.3%)`,
          );
        });
        return EXIT.ok;
      }
      case 'link': {
        noExtra();
        const r = await client.json<{ url: string; mailto: string }>('POST', '/v1/unsubscribe-links', {
          email: required('email', v.email),
          ...(v.topic ? { topic: v.topic } : {}),
          ...(v.campaign ? { campaignId: v.campaign } : {}),
        });
        out(r, () => {
          line(io, r.url);
          line(io, r.mailto);
        });
        return EXIT.ok;
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`suppress: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof ApiError) {
      io.stderr.write(`suppress: ${err.message}\n`);
      return EXIT.api;
    }
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      io.stderr.write(`suppress: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
