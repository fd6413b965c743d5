// `pnpm --filter @sp/abuse-inbox held [list|open <id>] [--json]`: support and reply mail kept
// for an operator (issue 19). The listing shows no address (R-PR-1): id, received time, reason,
// mailbox. `open <id>` prints the raw mail, only when the operator asks for that one.
import { loadConfig } from './config';
import { createHeldMail, HeldMailNotFound } from './held';

const [command = 'list', id] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const config = loadConfig();
const held = createHeldMail(config.heldDir, config.heldMailKeys);

if (command === 'list') {
  const entries = await held.list();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(entries, null, 2));
  } else {
    for (const e of entries) console.log(`${e.id}\t${e.receivedAt}\t${e.reason}\t${e.mailbox}\t${e.size} B`);
    console.log(`${entries.length} held mail(s)`);
  }
} else if (command === 'open' && id) {
  try {
    process.stdout.write(await held.open(id));
  } catch (err) {
    if (!(err instanceof HeldMailNotFound)) throw err;
    console.error(err.message);
    process.exit(1);
  }
} else {
  console.error('usage: pnpm --filter @sp/abuse-inbox held [list [--json] | open <id>]');
  process.exit(2);
}
