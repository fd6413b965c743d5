// The process of the abuse-inbox on the service kit, as main.ts runs it: the traced Kafka bus
// sealed with the subjects' data keys (issue 15), a wait for the database, Kafka and its topics
// with /readyz false, then the quarantine's prune and SMTP; on SIGTERM SMTP stops first (a mail
// in hand is published), then the prune timer, then the bus and the pool.
import { readFileSync } from 'node:fs';
import { migrateDb } from '@sp/db';
import { openSealedKafka, type RunningKit, type RunOptions, runService } from '@sp/runtime';
import { createAbuseInbox } from './app';
import type { AbuseInboxConfig } from './config';
import { inboxDepsFrom } from './inbox';

export interface RunningInbox {
  /** The SMTP port, once listening. */
  smtpPort(): number | undefined;
}

export function runAbuseInbox(
  config: AbuseInboxConfig,
  opts: RunOptions = {},
): Promise<RunningKit<RunningInbox>> {
  return runService<RunningInbox>({
    service: 'abuse-inbox',
    settings: config.service,
    ...opts,
    open: async (kit) => {
      const { db, ring, bus, dependencies, pools } = await openSealedKafka(kit.logger, {
        ...config,
        topics: Object.values(config.topics),
      });
      let smtpPort: number | undefined;
      return {
        value: { smtpPort: () => smtpPort },
        dependencies,
        pools,
        start: async () => {
          // The data_keys table must exist before the first publish (migrations are locked and idempotent).
          await migrateDb(db);
          const deps = inboxDepsFrom(config, bus, kit.logger, ring);
          // The quarantine's retention bound (issue 15): older items go, at start and every six hours.
          const prune = async () => {
            const before = new Date(Date.now() - config.quarantineRetentionDays * 86_400_000);
            const removed = await deps.quarantine.prune(before).catch((err: unknown) => {
              kit.logger.error({ err: String(err) }, 'quarantine prune failed');
              return 0;
            });
            if (removed > 0) kit.logger.info({ removed }, 'quarantined mail past its retention deleted');
          };
          await prune();
          const timer = setInterval(() => void prune(), 6 * 3_600_000);
          timer.unref();
          const inbox = createAbuseInbox(
            { ...deps, metrics: kit.metrics },
            config.smtp.tlsKeyFile && config.smtp.tlsCertFile
              ? { key: readFileSync(config.smtp.tlsKeyFile), cert: readFileSync(config.smtp.tlsCertFile) }
              : {},
          );
          const { port } = await inbox.listen(config.smtp.port, config.smtp.host);
          smtpPort = port;
          kit.logger.info({ port }, 'abuse-inbox listening');
          return { inputs: [() => inbox.close()], flush: [async () => clearInterval(timer)] };
        },
      };
    },
  });
}
