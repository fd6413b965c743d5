// `suppress webhook …`: register, list, disable endpoints, read their deliveries and attempts, send
// dead deliveries again. Answers are parsed with the API's own schemas (@sp/webhooks/schemas).
import { Delivery, Endpoint } from '@sp/webhooks/schemas';
import { z } from 'zod';
import type { ApiClient } from './client';

export const WEBHOOK_USAGE = `  webhook add URL [--channels email,sms,any] [--purposes marketing,all,sale_share]
              [--reasons complaint,hard-bounce,…] [--include-address] [--secret whsec_…]
              [--description TEXT]   (prints the signing secret ONCE)
  webhook list
  webhook deliveries ENDPOINT_ID [--status pending|delivered|dead] [--limit N]
  webhook redeliver ENDPOINT_ID   (dead deliveries again)
  webhook disable ENDPOINT_ID`;

export const WEBHOOK_OPTIONS = {
  channels: { type: 'string' },
  purposes: { type: 'string' },
  reasons: { type: 'string' },
  'include-address': { type: 'boolean', default: false },
  secret: { type: 'string' },
  description: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
} as const;

export interface WebhookFlags {
  channels?: string | undefined;
  purposes?: string | undefined;
  reasons?: string | undefined;
  'include-address'?: boolean | undefined;
  secret?: string | undefined;
  description?: string | undefined;
  status?: string | undefined;
  limit?: string | undefined;
}

/** A usage mistake: the CLI prints it with the usage and exits 2. */
export class WebhookUsage extends Error {}

const list = (s: string | undefined) =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

function parse<T extends z.ZodType>(schema: T, answer: unknown): z.infer<T> {
  const r = schema.safeParse(answer);
  if (!r.success) throw new Error(`unexpected answer from the API: ${r.error.issues[0]?.message ?? ''}`);
  return r.data;
}

export async function webhookCommand(
  args: string[],
  flags: WebhookFlags,
  client: ApiClient,
  print: (data: unknown, human: () => void) => void,
  line: (s: string) => void,
): Promise<void> {
  const [sub, target, ...more] = args;
  if (more.length > 0) throw new WebhookUsage(`unexpected argument: ${more[0]}`);
  const needTarget = (what: string) => {
    if (!target) throw new WebhookUsage(`webhook ${sub} needs ${what}`);
    return target;
  };
  const show = (e: Endpoint) => {
    const filter = [
      e.channels ? `channels ${e.channels.join(',')}` : '',
      e.purposes ? `purposes ${e.purposes.join(',')}` : '',
      e.reasons ? `reasons ${e.reasons.join(',')}` : '',
      e.includeAddress ? 'with addresses' : '',
    ]
      .filter(Boolean)
      .join('; ');
    const d = e.deliveries;
    line(
      `${e.id}  ${e.status}  ${e.url}  [${filter || 'every change'}]  delivered ${d.delivered}, pending ${d.pending}, dead ${d.dead}`,
    );
  };
  switch (sub) {
    case 'add': {
      const body = {
        url: needTarget('a URL'),
        ...(flags.channels ? { channels: list(flags.channels) } : {}),
        ...(flags.purposes ? { purposes: list(flags.purposes) } : {}),
        ...(flags.reasons ? { reasons: list(flags.reasons) } : {}),
        ...(flags.secret ? { secret: flags.secret } : {}),
        ...(flags.description ? { description: flags.description } : {}),
        includeAddress: flags['include-address'] ?? false,
      };
      const r = parse(
        z.object({ endpoint: Endpoint, secret: z.string() }),
        await client.json('POST', '/v1/webhooks', body),
      );
      print(r, () => {
        show(r.endpoint);
        line(`signing secret (shown once): ${r.secret}`);
      });
      return;
    }
    case 'list': {
      const r = parse(z.object({ endpoints: z.array(Endpoint) }), await client.json('GET', '/v1/webhooks'));
      print(r, () => {
        if (r.endpoints.length === 0) line('no webhook endpoints');
        for (const e of r.endpoints) show(e);
      });
      return;
    }
    case 'deliveries': {
      const q = new URLSearchParams({ endpointId: needTarget('an endpoint id') });
      if (flags.status) q.set('status', flags.status);
      if (flags.limit) q.set('limit', flags.limit);
      const r = parse(
        z.object({ deliveries: z.array(Delivery), nextBefore: z.number().nullable() }),
        await client.json('GET', `/v1/webhooks/deliveries?${q}`),
      );
      print(r, () => {
        for (const d of r.deliveries) {
          line(`${d.messageId}  ${d.type}  ${d.status}  subject ${d.subjectKey}  seq ${d.seq}`);
          for (const a of d.attempts)
            line(`    #${a.attempt} ${a.at}  ${a.httpStatus ?? '-'}  ${a.error ?? 'ok'}  ${a.durationMs} ms`);
          if (d.status === 'pending' && d.nextAttemptAt) line(`    next attempt ${d.nextAttemptAt}`);
        }
      });
      return;
    }
    case 'redeliver': {
      const r = parse(
        z.object({ endpointId: z.string(), redelivered: z.number() }),
        await client.json('POST', '/v1/webhooks/redeliver', { id: needTarget('an endpoint id') }),
      );
      print(r, () => line(`${r.redelivered} dead deliver${r.redelivered === 1 ? 'y' : 'ies'} queued again`));
      return;
    }
    case 'disable': {
      const r = parse(
        z.object({ endpoint: Endpoint }),
        await client.json('POST', '/v1/webhooks/disable', { id: needTarget('an endpoint id') }),
      );
      print(r, () => show(r.endpoint));
      return;
    }
    default:
      throw new WebhookUsage('webhook needs add, list, deliveries, redeliver or disable');
  }
}
