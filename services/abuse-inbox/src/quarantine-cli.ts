// `pnpm --filter @sp/abuse-inbox quarantine [list|open <id>|release <id>|delete <id>|prune] [--json]`:
// what the inbox kept for an operator (issue 15). The listing shows no address; `open` prints the
// decrypted mail of one item; `release` analyses it again (a fixed attribution, a new key) and
// drops the item once the mail is published, held or quarantined anew; `delete` drops it (its key
// shredded); `prune` drops every item past QUARANTINE_RETENTION_DAYS.
import { createKafkaBus } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import { openSealedBus } from '@sp/runtime';
import { loadConfig } from './config';
import { inboxDepsFrom, processMail } from './inbox';
import { QuarantineItemGone } from './quarantine';

const args = process.argv.slice(2);
const [command = 'list', id] = args.filter((a) => !a.startsWith('--'));
const json = args.includes('--json');
const config = loadConfig();
const logger = createLogger({ service: 'abuse-inbox-quarantine', level: config.logLevel });
const sealed = await openSealedBus(
  createKafkaBus({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-quarantine` }),
  {
    databaseUrl: config.eventSealing.databaseUrl,
    eventKeys: config.eventSealing.keys,
    peppers: config.subjectPeppers,
  },
);
const deps = inboxDepsFrom(config, sealed.bus, logger, sealed.dataKeys);
const q = deps.quarantine;
const print = (value: unknown, text: string) => console.log(json ? JSON.stringify(value, null, 2) : text);

let code = 0;
try {
  if (command === 'list') {
    const entries = await q.list();
    if (json) console.log(JSON.stringify(entries, null, 2));
    else {
      for (const e of entries) console.log(`${e.id}\t${e.receivedAt}\t${e.reason}\t${e.source}\t${e.size} B`);
      console.log(`${entries.length} quarantined mail(s); kept ${config.quarantineRetentionDays} days`);
    }
  } else if (command === 'open' && id) {
    process.stdout.write(await q.open(id));
  } else if (command === 'release' && id) {
    const entry = (await q.list()).find((e) => e.id === id);
    const raw = await q.open(id);
    const outcome = await processMail(deps, raw, entry?.recipients ?? config.recipients, `release:${id}`);
    await q.remove(id);
    print({ id, outcome }, `${id}: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`);
  } else if (command === 'delete' && id) {
    const removed = await q.remove(id);
    print({ id, removed }, removed ? `${id}: deleted` : `${id}: no such item`);
    if (!removed) code = 1;
  } else if (command === 'prune') {
    const removed = await q.prune(new Date(Date.now() - config.quarantineRetentionDays * 86_400_000));
    print({ removed }, `${removed} quarantined mail(s) past ${config.quarantineRetentionDays} days deleted`);
  } else {
    console.error(
      'usage: pnpm --filter @sp/abuse-inbox quarantine [list [--json] | open <id> | release <id> | delete <id> | prune]',
    );
    code = 2;
  }
} catch (err) {
  if (!(err instanceof QuarantineItemGone)) throw err;
  console.error(err.message);
  code = 1;
} finally {
  await sealed.close();
}
process.exit(code);
