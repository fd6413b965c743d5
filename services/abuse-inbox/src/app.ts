// The SMTP server the abuse@ mailbox forwards to, and the .eml folder import. Recipients we do
// not own are refused at RCPT (550); a mail is accepted (250) only once its events are acked or it
// sits in the quarantine; a failure answers 451 so the forwarding server retries.
import { readdir, readFile } from 'node:fs/promises';
import { type AddressInfo, BlockList, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { classifyRecipient, type InboxDeps, type Outcome, processMail } from './inbox';
import { headerFields } from './mime';

export interface AbuseInbox {
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

export function createAbuseInbox(deps: InboxDeps, tls: { key?: Buffer; cert?: Buffer } = {}): AbuseInbox {
  const { config, logger } = deps;
  const withTls = Boolean(tls.key && tls.cert);
  const allowed = clientFilter(config.allowedClients);
  const options: SMTPServerOptions = {
    name: config.smtp.serverName,
    banner: 'abuse inbox',
    size: config.smtp.maxMessageBytes,
    authOptional: true,
    disabledCommands: withTls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(withTls ? { key: tls.key, cert: tls.cert } : {}),
    logger: false,
    onConnect(session, callback) {
      if (allowed && !allowed(session.remoteAddress)) {
        deps.metrics
          ?.counter('abuse_inbox_clients_refused_total', 'Connections refused by SMTP_ALLOWED_CLIENTS')
          .inc();
        callback(smtpError('5.7.1 Not allowed to send here', 554));
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (classifyRecipient(config, address.address).kind === 'unknown') {
        deps.metrics?.counter('abuse_inbox_rcpt_refused_total', 'Recipients refused at RCPT').inc();
        callback(smtpError('5.1.1 No such mailbox here', 550));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(smtpError('5.3.4 Message too big', 552));
          return;
        }
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const mailFrom = session.envelope.mailFrom;
        processMail(deps, Buffer.concat(chunks), recipients, 'smtp', {
          ip: session.remoteAddress,
          ...(session.hostNameAppearsAs ? { helo: session.hostNameAppearsAs } : {}),
          ...(mailFrom !== false && mailFrom.address ? { mailFrom: mailFrom.address } : {}),
        }).then(
          (outcome) => callback(null, outcome.status === 'published' ? 'Accepted' : 'Accepted for review'),
          (err: Error) => {
            logger.error(
              { err: { name: err.name, message: err.message } },
              'abuse mail not processed; asking for a retry',
            );
            callback(smtpError('4.3.0 Temporary failure, try again later', 451));
          },
        );
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', (err) =>
    logger.error({ err: { name: err.name, message: err.message } }, 'smtp server error'),
  );

  return {
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        const net = (server as unknown as { server: import('node:net').Server }).server;
        net.once('error', reject);
        server.listen(port, host, () => resolve({ port: (net.address() as AddressInfo).port }));
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ImportSummary {
  files: number;
  published: number;
  quarantined: number;
  /** Support and reply mails kept for an operator (sealed). */
  held: number;
  results: { file: string; outcome: Outcome }[];
}

/**
 * Imports a folder of .eml files as if each had arrived over SMTP. A file's recipients are its
 * unsubscribe+token@ addresses (To, Delivered-To) when it has any, else the abuse mailbox.
 */
export async function importEml(deps: InboxDeps, dir: string): Promise<ImportSummary> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.eml')).sort();
  const summary: ImportSummary = { files: names.length, published: 0, quarantined: 0, held: 0, results: [] };
  const abuse = deps.config.recipients[0]!;
  for (const name of names) {
    const raw = await readFile(join(dir, name));
    const head =
      raw
        .subarray(0, 64 * 1024)
        .toString('utf8')
        .split(/\r?\n\r?\n/, 1)[0] ?? '';
    const fields = headerFields(head);
    const addressed = ['to', 'cc', 'delivered-to']
      .flatMap((f) => fields.get(f) ?? [])
      .flatMap((v) => v.match(/unsubscribe\+[^@\s<>,;"]+@[^\s<>,;"]+/gi) ?? [])
      .filter((a) => classifyRecipient(deps.config, a).kind === 'unsubscribe');
    const recipients = addressed.length > 0 ? [...new Set(addressed)] : [abuse];
    const outcome = await processMail(deps, raw, recipients, `import:${name}`);
    summary.results.push({ file: name, outcome });
    if (outcome.status === 'published') summary.published += 1;
    else if (outcome.status === 'held') summary.held += 1;
    else summary.quarantined += 1;
  }
  return summary;
}

/** A predicate over client addresses from "ip" and "ip/prefix" entries; undefined = any client. */
export function clientFilter(entries: string[]): ((address: string) => boolean) | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(prefix), family);
  }
  return (address) => {
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
  };
}
