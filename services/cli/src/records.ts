// The record-keeping commands (issue 15): `proof` (a person's signed report), `verify` (is a saved
// report unaltered?) and `ccpa-metrics` (11 CCR 7102). Their own flags, parsed here; cli.ts hands
// these commands over before it parses anything.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifySignedHtml, verifySignedJson } from '@sp/contracts';
import type { Io } from './cli';
import { ApiError, createClient } from './client';
import type { CliEnv } from './config';

export const RECORD_COMMANDS = ['proof', 'verify', 'ccpa-metrics'] as const;

export const RECORD_USAGE = `  proof    --email E | --phone P | --id I [--id-type customer|device] [--format json|html]
           [--time-zone IANA] [--out FILE]   (signed report of one person: events, checks, messages)
  verify   FILE [--public-key PEM_FILE]   (a saved proof, JSON or HTML; without --public-key the
           key is fetched from the API's /v1/proof-key)
  ccpa-metrics --year YYYY   (opt-out of sale/sharing requests: received, complied, denied, median days)
`;

const OPTIONS = {
  api: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  email: { type: 'string' },
  phone: { type: 'string' },
  id: { type: 'string' },
  'id-type': { type: 'string' },
  format: { type: 'string' },
  'time-zone': { type: 'string' },
  out: { type: 'string' },
  'public-key': { type: 'string' },
  year: { type: 'string' },
} as const;

class Usage extends Error {}

const say = (io: Io, s: string) => io.stdout.write(`${s}\n`);

interface Metrics {
  year: number;
  received: number;
  compliedInWholeOrInPart: number;
  denied: number;
  pending: number;
  medianDaysToRespond: number | null;
}

export async function runRecords(argv: string[], env: CliEnv, io: Io): Promise<number> {
  try {
    const { values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
    const [command, ...rest] = positionals;
    const apiUrl = v.api ?? env.apiUrl;
    const token = v.token ?? env.token;
    const client = () => {
      if (!apiUrl) throw new Usage('no API URL: pass --api or set SUPPRESS_API_URL');
      if (!token) throw new Usage('no token: pass --token or set SUPPRESS_API_TOKEN');
      return createClient(apiUrl, token);
    };
    if (command === 'verify') {
      if (rest.length !== 1) throw new Usage('verify needs exactly one FILE');
      const text = await readFile(rest[0]!, 'utf8');
      let pem: string;
      if (v['public-key']) pem = await readFile(v['public-key'], 'utf8');
      else {
        if (!apiUrl) throw new Usage('no public key: pass --public-key, or --api to fetch it');
        pem = (await createClient(apiUrl, token ?? '').json<{ publicKeyPem: string }>('GET', '/v1/proof-key'))
          .publicKeyPem;
      }
      const html = /^\s*<!doctype html/i.test(text);
      const r = html ? verifySignedHtml(text, pem) : verifySignedJson(text, pem);
      if (html && r.ok) {
        // The page's embedded document must verify too (it is what a machine reads back).
        const m = /<script type="application\/json" id="signed-proof">([\s\S]*?)<\/script>/.exec(text);
        const inner = m
          ? verifySignedJson(m[1]!, pem)
          : { ok: false as const, reason: 'no embedded document' };
        if (!inner.ok) {
          io.stderr.write(`suppress: NOT verified: ${inner.reason}\n`);
          return 1;
        }
      }
      if (!r.ok) {
        io.stderr.write(`suppress: NOT verified: ${r.reason}\n`);
        return 1;
      }
      say(io, `verified: signed by key ${r.keyId}, unaltered`);
      return 0;
    }
    if (command === 'proof') {
      if (rest.length > 0) throw new Usage(`unexpected argument: ${rest[0]}`);
      const given = (['email', 'phone', 'id'] as const).filter((k) => v[k] !== undefined);
      if (given.length !== 1) throw new Usage('give exactly one of --email, --phone or --id');
      const format = v.format ?? 'json';
      if (format !== 'json' && format !== 'html') throw new Usage('--format must be json or html');
      const q = new URLSearchParams({ [given[0]!]: v[given[0]!]!, format });
      if (v['id-type']) q.set('idType', v['id-type']);
      if (v['time-zone']) q.set('timeZone', v['time-zone']);
      const body = await client().stream(`/v1/subjects/proof?${q}`);
      const text = await new Response(body).text();
      if (v.out) {
        await writeFile(v.out, text);
        say(io, `proof written to ${v.out}`);
      } else io.stdout.write(text);
      return 0;
    }
    if (command === 'ccpa-metrics') {
      if (!v.year || !/^\d{4}$/.test(v.year)) throw new Usage('--year YYYY is required');
      const m = await client().json<Metrics>('GET', `/v1/ccpa/metrics?year=${v.year}`);
      if (v.json) say(io, JSON.stringify(m, null, 2));
      else {
        say(io, `Requests to opt out of sale/sharing, ${m.year} (11 CCR 7102):`);
        say(io, `  received                      ${m.received}`);
        say(io, `  complied with, in whole/part  ${m.compliedInWholeOrInPart}`);
        say(io, `  denied                        ${m.denied}`);
        say(io, `  pending                       ${m.pending}`);
        say(io, `  median days to respond        ${m.medianDaysToRespond ?? 'n/a'}`);
      }
      return 0;
    }
    throw new Usage(`unknown command: ${command}`);
  } catch (err) {
    if (err instanceof Usage || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`suppress: ${(err as Error).message}\n\n${RECORD_USAGE}`);
      return 2;
    }
    if (err instanceof ApiError) {
      io.stderr.write(`suppress: ${err.message}\n`);
      return 3;
    }
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      io.stderr.write(`suppress: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}
