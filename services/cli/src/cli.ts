// The `suppress` command: parses arguments (node:util parseArgs), talks to the suppression API over
// HTTP and maps outcomes to exit codes.
import { createWriteStream, readFileSync } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { FormatMismatch, IMPORT_FORMATS } from '@sp/importers';
import { ApiError, createClient } from './client';
import type { CliEnv } from './config';
import { formatSummary, type ImportReport, importFile } from './import';
import { RECORD_COMMANDS, RECORD_USAGE, runRecords } from './records';
import { TOPIC_OPTIONS, TOPIC_USAGE, TopicUsage, topicCommand } from './topic-command';
import { WEBHOOK_OPTIONS, WEBHOOK_USAGE, WebhookUsage, webhookCommand } from './webhook-command';

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
  /** For the question before a forced lift (only asked on a terminal). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

class UsageError extends Error {
  override name = 'UsageError';
}

/** Help of each command: `suppress <command> --help` prints its own. */
export const COMMANDS: Record<string, string> = {
  check: `  check    <subject> --channel email|sms --kind marketing|transactional|sale_share [--topic T]
           (kind is the SENDER's classification: transactional only for templates registered
           as one of the five CAN-SPAM transactional types)`,
  add: `  add      <subject> --channel email|sms|any --purpose marketing|all|sale_share [--topic T]
           --reason TEXT [--actor NAME]
           service desk: add <subject> --method phone|email|letter|in-person --agent NAME
           (defaults: --channel email --purpose marketing, reason "opt-out requested by <method>";
           the ledger keeps the method, the agent and the time)`,
  lift: `  lift     <subject> --channel C --purpose P [--topic T] --reason TEXT [--actor NAME]
           [--consent-ref REF | --force [--yes]]
           a person's own opt-out (one-click, STOP, complaint, Do-Not-Sell) lifts only with
           --consent-ref (their proof of consent) or --force, which asks first (--yes: do not ask)`,
  history: `  history  <subject>`,
  erase: `  erase    <subject> [--request-id ID] [--reason TEXT] [--actor NAME]
           (CCPA deletion: drops the readable address and every sealed copy; the opt-outs stay by key)`,
  entries: `  entries  [<subject>] [--reason R] [--source S] [--channel C] [--purpose P] [--topic T]
           [--since ISO] [--until ISO] [--oldest] [--limit N] [--cursor C]   (newest first)`,
  send: `  send     <subject> --template ID [--var NAME=VALUE ...] [--topic T] [--campaign ID]
           [--message-id ID] [--wait]   (a test message through the list: email or SMS by subject;
           --wait prints its outcome: exit 0 sent, 1 suppressed or failed)`,
  outcome: `  outcome  MESSAGE-ID   (sent, suppressed with the reasons, deferred or failed)`,
  import: `  import   FILE [--format F] [--actor NAME] [--dry-run] [--report FILE] [--batch-lines N] [--concurrency N]
           F: csv (identifier,channel,purpose,topic,reason), ndjson ({"email":...,"reason":...}), or a
           provider's export: sendgrid-bounces|-blocks|-invalid-emails|-spam-reports|-unsubscribes|
           -group-unsubscribes [--group ID], mailchimp [--audience A], postmark [--stream S],
           mailgun-bounces|-unsubscribes|-complaints, ses, twilio; --topic-map group=topic,...
           maps provider groups/streams/tags to topics (packages/importers/README.md)`,
  export: `  export   [--format csv|ndjson] [--channel C] [--purpose P] [--out FILE]
           (R-EM-4: only for processors that send on our behalf)`,
  stats: `  stats    [--days N]`,
  link: `  link     <email> [--topic T] [--campaign ID]   (List-Unsubscribe link and mailto)`,
  partner: `  partner add   --name N --contact C --hash-format md5|sha256|hmac-sha256 [--topics T1,T2]
                [--seeds N]   (prints the partner token and key ONCE)
  partner list  (last download, stale and seed-hit flags)
  partner file  [--since WATERMARK] [--gzip] [--out FILE]   (with a partner token: its file)`,
  webhook: WEBHOOK_USAGE.trimEnd(),
  topic: TOPIC_USAGE,
};

const COMMON = `<subject>: an email address, a phone number (+1 415 555 0100), customer:<id> or device:<id>;
or --email E | --phone P | --id I [--id-type customer|device]
common flags: --api URL (or SUPPRESS_API_URL), --token TOKEN (or SUPPRESS_API_TOKEN), --json,
              --help (also after a command), --version
exit codes: 0 ok/allowed, 1 not allowed or lines rejected, 2 usage error, 3 API error
`;

export const USAGE = `usage: suppress <command> [flags]

commands:
${Object.values(COMMANDS).join('\n')}
${RECORD_USAGE}
${COMMON}`;

const commandUsage = (command: string) =>
  `usage: suppress ${command === 'partner' ? 'partner add|list|file' : command} [flags]\n\n${COMMANDS[command]}\n\n${COMMON}`;

const OPTIONS = {
  api: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
  'consent-ref': { type: 'string' },
  force: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  template: { type: 'string' },
  var: { type: 'string', multiple: true },
  'message-id': { type: 'string' },
  wait: { type: 'boolean', default: false },
  source: { type: 'string' },
  until: { type: 'string' },
  oldest: { type: 'boolean', default: false },
  // limit: in WEBHOOK_OPTIONS (entries and webhook deliveries share it)
  cursor: { type: 'string' },
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
  'dry-run': { type: 'boolean', default: false },
  report: { type: 'string' },
  group: { type: 'string' },
  stream: { type: 'string' },
  audience: { type: 'string' },
  'topic-map': { type: 'string' },
  ...WEBHOOK_OPTIONS,
  ...TOPIC_OPTIONS,
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

/**
 * The subject of a command: one of --email, --phone or --id, or the positional the help shows
 * (`add carl@example.com`): an address, a phone number, or customer:<id> / device:<id>.
 */
function subject(v: Values, positional?: string): Record<string, string> {
  const given = (['email', 'phone', 'id'] as const).filter((k) => v[k] !== undefined);
  if (positional !== undefined) {
    if (given.length > 0) throw new UsageError(`give the subject once: ${positional} or --${given[0]}`);
    const m = /^(customer|device):(.+)$/.exec(positional);
    if (m) return { id: m[2]!, idType: m[1]! };
    if (positional.includes('@')) return { email: positional };
    if (/^\+?[\d\s().-]{5,}$/.test(positional)) return { phone: positional };
    throw new UsageError(`not an email, phone number, customer:<id> or device:<id>: ${positional}`);
  }
  if (given.length !== 1)
    throw new UsageError('give the subject: <subject>, or one of --email, --phone or --id');
  const k = given[0]!;
  return {
    [k]: v[k]!,
    ...(k === 'id'
      ? { idType: oneOf('id-type', v['id-type'], ['customer', 'device'] as const, 'customer') }
      : {}),
  };
}

/** --var NAME=VALUE pairs as template variables. */
function variables(pairs: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const i = p.indexOf('=');
    if (i < 1) throw new UsageError(`--var needs NAME=VALUE, got ${p}`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** Asks a yes/no question on the terminal; false without one (then --yes is needed). */
async function confirm(io: Io, question: string): Promise<boolean> {
  const input = io.stdin;
  if (!input?.isTTY) return false;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input, output: io.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
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
  if (v.version) {
    line(io, `suppress ${cliVersion()}`);
    return EXIT.ok;
  }
  if (v.help && command && COMMANDS[command]) {
    io.stdout.write(commandUsage(command));
    return EXIT.ok;
  }
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
    /** The one positional a command takes (its subject), if given. */
    const positional = (): string | undefined => {
      if (rest.length > 1) throw new UsageError(`unexpected argument: ${rest[1]}`);
      return rest[0];
    };

    switch (command) {
      case 'check': {
        const body = {
          ...subject(v, positional()),
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
        const who = subject(v, positional());
        // A request taken by the service desk: the agent who took it is the actor, and the
        // method goes into the ledger with it; "stop marketing email" is what such calls ask.
        const method = v.method === undefined ? undefined : oneOf('method', v.method, METHODS);
        if (method && !v.agent) throw new UsageError('--method needs --agent NAME (who took the request)');
        if (v.agent && !method) throw new UsageError('--agent goes with --method');
        const consentRef = v['consent-ref'];
        if (command === 'add' && (consentRef || v.force))
          throw new UsageError('--consent-ref and --force go with lift');
        if (consentRef && v.force) throw new UsageError('give --consent-ref or --force, not both');
        const body = {
          ...who,
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
          ...(consentRef ? { consentRef } : {}),
          ...(v.force ? { force: true } : {}),
        };
        if (v.force && !v.yes) {
          const target = Object.values(who)[0];
          const ok = await confirm(
            io,
            `Lift ${target}'s ${body.channel}/${body.purpose}/${body.topic} entry without proof of consent? If it is their own opt-out, they will be contacted again.`,
          );
          if (!ok) {
            if (!io.stdin?.isTTY)
              throw new UsageError('--force asks first: answer on a terminal, or add --yes');
            io.stderr.write('suppress: not lifted\n');
            return EXIT.no;
          }
        }
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
        const r = await client.json<{
          subjectKey: string;
          entries: Array<{
            occurredAt: string;
            type: string;
            source: string;
            scopes: Array<Reason & { suppressed: boolean }>;
            payload?: { data?: { actor?: string; actorName?: string; method?: string } };
          }>;
        }>('GET', `/v1/history${query(subject(v, positional()))}`);
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
          ['ndjson', ...IMPORT_FORMATS] as const,
          /\.(ndjson|jsonl)$/i.test(file) ? 'ndjson' : 'csv',
        );
        const topics: Record<string, string> = {};
        for (const pair of (v['topic-map'] ?? '').split(',').filter(Boolean)) {
          const [from, to] = pair.split('=').map((x) => x.trim());
          if (!from || !to) throw new UsageError('--topic-map is name=topic[,name=topic...]');
          topics[from] = to;
        }
        let report: ImportReport;
        try {
          report = await importFile(client, {
            file,
            format,
            actor,
            batchLines: positiveInt('batch-lines', v['batch-lines'], 10_000),
            concurrency: positiveInt('concurrency', v.concurrency, 2),
            dryRun: v['dry-run'] === true,
            formatOptions: {
              topics,
              ...(v.group ? { group: v.group } : {}),
              ...(v.stream ? { stream: v.stream } : {}),
              ...(v.audience ? { audience: v.audience } : {}),
            },
            ...(v.report ? { reportFile: v.report } : {}),
            stderr: io.stderr,
          });
        } catch (err) {
          // The whole file is not in that format: one message, not a rejection per line.
          if (err instanceof FormatMismatch) throw new UsageError(`${file}: ${err.message}`);
          throw err;
        }
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
        const email = positional() ?? v.email;
        const r = await client.json<{ url: string; mailto: string }>('POST', '/v1/unsubscribe-links', {
          email: required('email', email),
          ...(v.topic ? { topic: v.topic } : {}),
          ...(v.campaign ? { campaignId: v.campaign } : {}),
        });
        out(r, () => {
          line(io, r.url);
          line(io, r.mailto);
        });
        return EXIT.ok;
      }
      case 'send': {
        const who = subject(v, positional());
        const channel = who.email ? 'email' : who.phone ? 'sms' : undefined;
        if (!channel) throw new UsageError('send needs an email address or a phone number');
        const messageId =
          v['message-id'] ?? `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        const body = {
          messageId,
          to: who.email ?? who.phone,
          templateId: required('template', v.template),
          variables: variables(v.var),
          ...(v.topic ? { topic: v.topic } : {}),
          ...(v.campaign ? { campaignId: v.campaign } : {}),
        };
        const accepted = await client.json<{ messageId: string }>('POST', `/v1/messages/${channel}`, body);
        if (!v.wait) {
          out(accepted, () =>
            line(io, `accepted ${accepted.messageId} (suppress outcome ${accepted.messageId})`),
          );
          return EXIT.ok;
        }
        const outcome = await waitForOutcome(client, accepted.messageId);
        out(outcome, () => printOutcome(io, outcome));
        return outcome.status === 'sent' ? EXIT.ok : EXIT.no;
      }
      case 'outcome': {
        const id = positional();
        if (!id) throw new UsageError('outcome needs a MESSAGE-ID');
        const outcome = await client.json<Outcome>('GET', `/v1/messages/${encodeURIComponent(id)}`);
        out(outcome, () => printOutcome(io, outcome));
        return EXIT.ok;
      }
      case 'entries': {
        const who = rest.length > 0 ? subject(v, positional()) : {};
        const r = await client.json<{
          entries: Array<Reason & { subjectKey: string; address?: string | null }>;
          nextCursor: string | null;
        }>(
          'GET',
          `/v1/entries${query({
            ...who,
            reason: v.reason,
            source: v.source,
            channel: v.channel,
            purpose: v.purpose,
            topic: v.topic,
            since: v.since,
            until: v.until,
            order: v.oldest ? 'oldest' : undefined,
            limit: v.limit,
            cursor: v.cursor,
          })}`,
        );
        out(r, () => {
          for (const e of r.entries)
            line(
              io,
              `${e.since}  ${e.address ?? e.subjectKey}  ${e.channel}/${e.purpose}/${e.topic}  ${e.reason} (${e.source})`,
            );
          if (r.nextCursor) line(io, `more: --cursor ${r.nextCursor}`);
        });
        return EXIT.ok;
      }
      case 'webhook':
        await webhookCommand(rest, v, client, out, (s) => line(io, s));
        return EXIT.ok;
      case 'topic':
        await topicCommand(rest, v, actor, client, out, (s) => line(io, s));
        return EXIT.ok;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof WebhookUsage || err instanceof TopicUsage) {
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

interface Outcome {
  messageId: string;
  channel: string;
  status: string;
  templateId: string | null;
  reasons: Reason[];
  error: string | null;
  nextAttemptAt: string | null;
}

function printOutcome(io: Io, o: Outcome): void {
  line(io, `${o.messageId}: ${o.status} (${o.channel}, template ${o.templateId ?? '?'})`);
  for (const x of o.reasons)
    line(io, `  ${x.reason}: ${x.channel}/${x.purpose}/${x.topic} since ${x.since} (${x.source})`);
  if (o.error) line(io, `  ${o.error}`);
  if (o.nextAttemptAt) line(io, `  next attempt ${o.nextAttemptAt}`);
}

/** Polls the outcome until a sender recorded a final one (404 and pending: not yet). */
async function waitForOutcome(client: ReturnType<typeof createClient>, id: string): Promise<Outcome> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const o = await client.json<Outcome>('GET', `/v1/messages/${encodeURIComponent(id)}`);
      if (o.status !== 'pending') return o;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
    if (Date.now() > deadline)
      throw new ApiError(`no outcome for ${id} within 60 s; try: suppress outcome ${id}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
