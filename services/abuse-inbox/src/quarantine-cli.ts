// `pnpm --filter @sp/abuse-inbox quarantine:list`: what the inbox kept for an operator.
import { loadConfig } from './config';
import { createFileQuarantine } from './quarantine';

const config = loadConfig();
const entries = await createFileQuarantine(config.quarantineDir).list();
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(entries, null, 2));
} else {
  for (const e of entries)
    console.log(`${e.receivedAt}\t${e.reason}\t${e.source}\t${e.size} B\t${e.emlPath}`);
  console.log(`${entries.length} quarantined mail(s) in ${config.quarantineDir}`);
}
