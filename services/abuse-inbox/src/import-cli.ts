// `pnpm --filter @sp/abuse-inbox import <folder>`: handles every .eml of a folder like mail that
// arrived over SMTP (same events, same quarantine) and prints a summary.
import { resolve } from 'node:path';
import { createKafkaBus } from '@sp/messaging';
import { createLogger } from '@sp/observability';
import { openSealedBus } from '@sp/runtime';
import { importEml } from './app';
import { invocationDir, loadConfig } from './config';
import { inboxDepsFrom } from './inbox';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: pnpm --filter @sp/abuse-inbox import <folder of .eml files>');
  process.exit(2);
}
const config = loadConfig();
const logger = createLogger({ service: 'abuse-inbox-import', level: config.logLevel });
// Imported mail becomes the same sealed events, and the same sealed quarantine, as SMTP mail.
const sealed = await openSealedBus(
  createKafkaBus({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-import` }),
  {
    databaseUrl: config.eventSealing.databaseUrl,
    eventKeys: config.eventSealing.keys,
    peppers: config.subjectPeppers,
  },
);
try {
  const summary = await importEml(
    inboxDepsFrom(config, sealed.bus, logger, sealed.dataKeys),
    resolve(invocationDir(), dir),
  );
  for (const r of summary.results) {
    const o = r.outcome;
    console.log(
      `${r.file}\t${o.status}\t${
        o.status === 'published'
          ? `${o.events} event(s)`
          : `${o.reason} (${o.status === 'held' ? o.heldId : o.quarantineId})`
      }`,
    );
  }
  console.log(`${summary.files} file(s): ${summary.published} published, ${summary.quarantined} quarantined`);
} finally {
  await sealed.close();
}
