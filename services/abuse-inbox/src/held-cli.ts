// `pnpm --filter @sp/abuse-inbox held [list|open <id>] [--json]`: support and reply mail kept
// for an operator (issue 19). The listing shows no address (R-PR-1): id, received time, reason,
// mailbox. `open <id>` prints the raw mail, only when the operator asks for that one; mail sealed
// with the data keys (issue 15) needs DATABASE_URL and EVENT_KEYS, as the quarantine command does.
import { createKeyer } from '@sp/identity';
import { createKafkaBus } from '@sp/messaging';
import { openSealedBus } from '@sp/runtime';
import { loadConfig } from './config';
import { createHeldMail, HeldMailNotFound } from './held';

const [command = 'list', id] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const config = loadConfig();
// The data keys only (the bus is never connected): the ring the held mail is sealed with.
const sealed =
  config.eventSealing.databaseUrl && config.eventSealing.keys
    ? await openSealedBus(
        createKafkaBus({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-held` }),
        {
          databaseUrl: config.eventSealing.databaseUrl,
          eventKeys: config.eventSealing.keys,
          peppers: config.subjectPeppers,
        },
      )
    : undefined;
const held = createHeldMail(
  config.heldDir,
  config.heldMailKeys,
  sealed
    ? {
        ring: sealed.dataKeys,
        keyer: createKeyer({
          peppers: config.subjectPeppers.keys,
          currentKeyId: config.subjectPeppers.currentKeyId,
        }),
      }
    : undefined,
);
let code = 0;
try {
  if (command === 'list') {
    const entries = await held.list();
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(entries, null, 2));
    } else {
      for (const e of entries)
        console.log(`${e.id}\t${e.receivedAt}\t${e.reason}\t${e.mailbox}\t${e.size} B`);
      console.log(`${entries.length} held mail(s)`);
    }
  } else if (command === 'open' && id) {
    process.stdout.write(await held.open(id));
  } else {
    console.error('usage: pnpm --filter @sp/abuse-inbox held [list [--json] | open <id>]');
    code = 2;
  }
} catch (err) {
  if (!(err instanceof HeldMailNotFound)) throw err;
  console.error(err.message);
  code = 1;
} finally {
  await sealed?.close();
}
process.exit(code);
