// The retention job (issue 15): `pnpm retention` runs it once; RETENTION_EVERY_SECONDS>0 keeps it
// running (the compose stack's `retention` service). Deletes Do-Not-Sell records past retain_until
// and payloads of final messages, logs the counts; never touches the ledger or the state.
// Quarantined mail past its bound joins as a RetentionHook when the quarantine has one.
import { createDb } from '@sp/db';
import { createLogger } from '@sp/observability';
import { runRetention } from '@sp/suppression';
import { loadRetentionConfig } from './retention-config';

async function main(): Promise<void> {
  const config = loadRetentionConfig();
  const logger = createLogger({ service: 'retention', level: config.logLevel });
  const handle = await createDb({ url: config.databaseUrl, max: 1 });
  const ctx = { db: handle.db };
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  const once = async () => {
    const r = await runRetention(ctx);
    logger.info(
      { dnsRequests: r.dnsRequests, deliveryPayloads: r.deliveryPayloads, hooks: r.hooks },
      'retention: deleted',
    );
  };
  const stop = async () => {
    stopping = true;
    if (timer) clearTimeout(timer);
    await handle.close();
  };
  if (config.everySeconds === 0) {
    await once();
    await stop();
    return;
  }
  const loop = async () => {
    if (stopping) return;
    await once().catch((err) => logger.error({ err: (err as Error).message }, 'retention run failed'));
    if (!stopping) timer = setTimeout(() => void loop(), config.everySeconds * 1000);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  await loop();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
