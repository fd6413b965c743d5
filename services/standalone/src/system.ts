// Every service of the platform in this one process, on the same handlers as production; only
// the adapters differ (PGlite instead of PostgreSQL, the table bus in that same database instead
// of Kafka, local SES and Twilio stand-ins) unless DATABASE_URL / KAFKA_BROKERS say otherwise.
// The table bus makes an accepted event a committed row before the edge or the inbox answers, so
// a crash (kill -9, power cut of the process) loses nothing: the next start consumes it.
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import {
  createAbuseInbox,
  createFileQuarantine,
  createHeldMail,
  createSealedQuarantine,
  loadConfig as loadInboxConfig,
} from '@sp/abuse-inbox';
import { startComplaintConsumer, startSeedHitConsumer } from '@sp/complaint-consumer';
import { keyRing, quietAwsSdkNodeNotice } from '@sp/config';
import { Topics } from '@sp/contracts';
import { createDb, migrateDb } from '@sp/db';
import { createPayloadBox, loadTemplates } from '@sp/delivery';
import { startDnsConsumer } from '@sp/dns-consumer';
import { buildEdge, listPreferences, loadConfig as loadEdgeConfig } from '@sp/edge';
import { createEmailSender, createSesTransport, loadConfig as loadEmailConfig } from '@sp/email-sender';
import { createSealer } from '@sp/identity';
import { defaultListViewSettings, openListView } from '@sp/list-view';
import { createKafkaBus, createTableBus, localEndOffsets } from '@sp/messaging';
import { createLogger, type Logger, startOpsServer } from '@sp/observability';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { startSesEmulator, startTwilioDouble } from '@sp/provider-doubles';
import { assembleResources, type Stopper, startChangelogRelay, stopPhases, tracedBus } from '@sp/runtime';
import { createSmsSender, createTwilioTransport, loadConfig as loadSmsConfig } from '@sp/sms-sender';
import { startSmsStopConsumer } from '@sp/sms-stop-consumer';
import { listTopics, seedTopics } from '@sp/suppression';
import { buildApi, loadConfig as loadApiConfig } from '@sp/suppression-api';
import { sesSuppressionAdapter, startIntegrations } from '@sp/webhooks';
import type { StandaloneConfig } from './config';
import { DEMO_TOPICS } from './demo-topics';
import { freePort } from './ports';
import { sendApiDeps } from './send';

export interface RunningSystem {
  urls: { edge: string; api: string; smtp: string; ses: string; twilio: string; ops: string };
  apiToken: string;
  mode: { database: 'pglite' | 'postgres'; bus: 'database' | 'kafka'; consumers: boolean };
  logger: Logger;
  stop(): Promise<void>;
}

export async function startSystem(cfg: StandaloneConfig): Promise<RunningSystem> {
  const logger = createLogger({ service: 'standalone', level: cfg.logLevel });
  // One stop in the house order (issue 17): what takes requests, then the consumers and senders,
  // then the relay and the view, then the stand-ins and the pools; each step bounded.
  const inputs: Stopper[] = [];
  const consumers: Stopper[] = [];
  const flush: Stopper[] = [];
  const pools: Stopper[] = [];
  const stopAll = async () => {
    const ok = await stopPhases(
      { inputs: [...inputs].reverse(), consumers, flush, pools: [...pools].reverse() },
      { logger, stepTimeoutMs: 10_000 },
    );
    if (!ok) throw new Error('standalone: some stop steps failed or timed out');
  };
  try {
    const db = cfg.databaseUrl
      ? await createDb({ url: cfg.databaseUrl })
      : await createDb({ pglite: join(cfg.dataDir, 'pglite') });
    pools.push(() => db.close());
    await migrateDb(db);
    // The demo's topics on a first start (an empty registry only; README "Topics").
    await seedTopics(db.db, DEMO_TOPICS, { by: 'npm-start', reason: 'demo topics of a first start' });

    const rawBus = cfg.kafkaBrokers
      ? createKafkaBus({ brokers: cfg.kafkaBrokers.split(','), clientId: 'standalone', logger })
      : createTableBus({ sql: db.sql, logger: logger.child({ component: 'bus' }) });
    const bus = tracedBus(rawBus);
    pools.push(() => bus.close());
    await bus.ensureTopics(
      Object.values(Topics).map((topic) => ({ topic, partitions: 3, compacted: topic === Topics.changelog })),
    );

    const peppers = keyRing.parse(cfg.secrets.subjectPeppers);
    const [vaultKid, vaultKey] = cfg.secrets.vaultKey.split(':') as [string, string];
    const res = assembleResources({
      service: 'standalone',
      db,
      bus,
      logger,
      list: {
        peppers,
        vaultKeys: { currentKeyId: vaultKid, keys: { [vaultKid]: vaultKey } },
        // The vault's key also wraps the per-subject data keys of sealed events (issue 15).
        eventKeys: { currentKeyId: vaultKid, keys: { [vaultKid]: vaultKey } },
        defaultRegion: 'US',
        revokeAllSms: true,
      },
    });
    const tokenKeys = keyRing.parse(cfg.secrets.tokenKeys);
    const sealer = createSealer({ keys: tokenKeys.keys, currentKeyId: tokenKeys.currentKeyId });

    const edgePort = cfg.ports.edge || (await freePort());
    const publicBaseUrl = cfg.publicBaseUrl ?? `http://${hostForUrl(cfg.host)}:${edgePort}`;
    const shared = {
      LOG_LEVEL: cfg.logLevel,
      SUBJECT_PEPPERS: cfg.secrets.subjectPeppers,
      TOKEN_KEYS: cfg.secrets.tokenKeys,
      PUBLIC_BASE_URL: publicBaseUrl,
      UNSUBSCRIBE_DOMAIN: cfg.unsubscribeDomain,
    };

    // Services that write the list: the same consumers as production, on this bus (none in the
    // maintenance mode: accepted events wait in the bus for the next start).
    if (cfg.consumers) {
      const listConsumers = [
        await startOptoutConsumer(res),
        await startSmsStopConsumer(res, { languages: cfg.smsLanguages }),
        await startDnsConsumer(res),
        await startComplaintConsumer(res),
        // Mail at a partner's seed address (issue 16) flags that partner.
        await startSeedHitConsumer(res),
      ];
      consumers.push(...listConsumers.map((c) => () => c.stop()));
    } else {
      logger.warn({}, 'maintenance mode (CONSUMERS=off): accepted events are kept, not applied or sent');
    }
    const relay = startChangelogRelay(res, cfg.databaseUrl ? { leaderLockUrl: cfg.databaseUrl } : {});
    flush.push(() => relay.stop());
    // The senders and the API ask a local view of the changelog, as in production (the database
    // answers instead on a bus whose end offsets cannot be read).
    const ends = cfg.kafkaBrokers ? undefined : localEndOffsets(rawBus);
    const listView =
      cfg.kafkaBrokers || ends
        ? await openListView({
            bus,
            ...(ends ? { ends } : { brokers: (cfg.kafkaBrokers ?? '').split(',') }),
            clientId: 'standalone',
            db: db.db,
            keyer: res.keyer,
            defaultRegion: 'US',
            settings: defaultListViewSettings,
            logger,
            // The table bus prunes changelog rows its groups have read: start from the list itself.
            snapshotFirst: !cfg.kafkaBrokers,
          })
        : undefined;
    if (listView) flush.push(() => listView.stop());

    // Local stand-ins for the third-party SaaS.
    const ses = await startSesEmulator({ host: cfg.host, port: cfg.ports.ses });
    pools.push(() => ses.close());
    const twilio = await startTwilioDouble({
      host: cfg.host,
      port: cfg.ports.twilio,
      accountSid: cfg.secrets.twilioAccountSid,
      authToken: cfg.secrets.twilioAuthToken,
    });
    pools.push(() => twilio.close());

    // Webhooks (and, with PROVIDER_SYNC=ses, the sync into the SES stand-in's suppression list):
    // list changes out to the endpoints registered through the API (issue 14).
    if (cfg.consumers) {
      quietAwsSdkNodeNotice();
      const sesClient = new SESv2Client({
        endpoint: ses.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'standalone', secretAccessKey: 'standalone' },
      });
      const integrations = await startIntegrations(res, {
        providers: cfg.providerSync === 'ses' ? [sesSuppressionAdapter(sesClient)] : [],
      });
      consumers.push(...integrations.map((c) => () => c.stop()));
    }

    // Senders: send requests -> the list -> SES / Twilio (here their stand-ins). Not started in
    // the maintenance mode: opt-outs may be waiting unapplied, so nothing may be sent.
    const senderEnv = {
      ...shared,
      DATABASE_URL: cfg.databaseUrl ?? 'pglite',
      PAYLOAD_KEYS: cfg.secrets.payloadKeys,
      POLL_INTERVAL_MS: '2000',
    };
    const emailConfig = loadEmailConfig({
      ...senderEnv,
      SES_ENDPOINT: ses.url,
      AWS_ACCESS_KEY_ID: 'standalone',
      AWS_SECRET_ACCESS_KEY: 'standalone',
      ...cfg.brandEnv,
      EMAIL_FROM: cfg.emailFrom,
      POSTAL_ADDRESS: cfg.postalAddress,
      // RFC 9477: providers send ARF reports to the CFBL-Address, so it names our own abuse@ inbox.
      ...cfblDomainOf(cfg.abuseRecipients),
    });
    const emailTransport = createSesTransport(emailConfig.ses);
    const emailTemplates = loadTemplates(emailConfig.templatesDirs);
    const emailSender = createEmailSender({
      bus: res.bus,
      log: db.db,
      list: res.list,
      ...(listView ? { checker: listView.view } : {}),
      keyer: res.keyer,
      sealer,
      transport: emailTransport,
      templates: emailTemplates,
      box: createPayloadBox(emailConfig.payloadKeys),
      settings: emailConfig.settings,
      logger: logger.child({ component: 'email-sender' }),
      probe: () => db.ping(),
    });
    if (cfg.consumers) await emailSender.start();
    consumers.push(() => emailSender.stop());
    pools.push(async () => emailTransport.close());
    const smsConfig = loadSmsConfig({
      ...senderEnv,
      TWILIO_ACCOUNT_SID: cfg.secrets.twilioAccountSid,
      TWILIO_AUTH_TOKEN: cfg.secrets.twilioAuthToken,
      TWILIO_API_BASE_URL: twilio.url,
      TWILIO_FROM: cfg.smsFrom,
    });
    const smsTemplates = loadTemplates(smsConfig.templatesDirs);
    const smsSender = createSmsSender({
      bus: res.bus,
      log: db.db,
      list: res.list,
      ...(listView ? { checker: listView.view } : {}),
      keyer: res.keyer,
      transport: createTwilioTransport(smsConfig.twilio),
      templates: smsTemplates,
      box: createPayloadBox(smsConfig.payloadKeys),
      settings: smsConfig.settings,
      logger: logger.child({ component: 'sms-sender' }),
      probe: () => db.ping(),
    });
    if (cfg.consumers) await smsSender.start();
    consumers.push(() => smsSender.stop());

    // Public edge.
    const edgeConfig = loadEdgeConfig({
      ...shared,
      ...cfg.edgeLimits,
      ...cfg.brandEnv,
      HOST: cfg.host,
      PORT: String(edgePort),
      TWILIO_AUTH_TOKEN: cfg.secrets.twilioAuthToken,
      DNS_API_TOKEN: cfg.secrets.dnsApiToken,
    });
    const edge = buildEdge({
      bus: res.bus,
      sealer,
      keyer: res.keyer,
      config: edgeConfig,
      logger: logger.child({ component: 'edge' }),
      // The preference page: the topic registry and the list (issue 13).
      preferences: listPreferences(res.list, () => listTopics(db.db, { channel: 'email' })),
    });
    await edge.listen({ host: cfg.host, port: edgePort });
    inputs.push(() => edge.close());

    // Internal API.
    const apiConfig = loadApiConfig({
      ...shared,
      HOST: cfg.host,
      PORT: String(cfg.ports.api),
      DATABASE_URL: cfg.databaseUrl ?? `pglite://${join(cfg.dataDir, 'pglite')}`,
      // Named: the ledger records "operator" for the writes made with it (issue 15).
      API_TOKENS: `operator=${cfg.secrets.apiToken}:check+admin+send`,
      VAULT_KEYS: cfg.secrets.vaultKey,
      PROOF_SIGNING_KEY: cfg.secrets.proofSigningKey,
      // Proof reports name the same brand as the pages and the mail (issue 13).
      ...(cfg.brand.name ? { BRAND_NAME: cfg.brand.name } : {}),
    });
    const api = buildApi({
      ctx: res.list,
      sealer,
      config: apiConfig,
      logger: logger.child({ component: 'api' }),
      ...(listView ? { view: listView.view } : {}),
      // The send API (issue 14) puts requests on this bus, refusing what the senders could not send.
      send: sendApiDeps(bus, res.keyer, { email: emailTemplates, sms: smsTemplates }),
    });
    await api.listen({ host: cfg.host, port: cfg.ports.api });
    inputs.push(() => api.close());

    // abuse@ SMTP ingress.
    const inboxConfig = loadInboxConfig({
      ...shared,
      SMTP_HOST: cfg.host,
      SMTP_PORT: String(cfg.ports.smtp),
      ABUSE_RECIPIENTS: cfg.abuseRecipients,
      // The second accepted domain: the seeds the API makes for partners (issue 16).
      SEED_DOMAIN: apiConfig.partners.seedDomain,
      QUARANTINE_DIR: join(cfg.dataDir, 'quarantine'),
      HELD_DIR: join(cfg.dataDir, 'held'),
    });
    const inbox = createAbuseInbox({
      bus: res.bus,
      keyer: res.keyer,
      sealer,
      config: inboxConfig,
      logger: logger.child({ component: 'abuse-inbox' }),
      // Sealed at rest with the data keys of the addresses it names (issue 15).
      quarantine: res.dataKeys
        ? createSealedQuarantine(inboxConfig.quarantineDir, { ring: res.dataKeys, keyer: res.keyer })
        : createFileQuarantine(inboxConfig.quarantineDir),
      // Sealed with the data keys of every person it names too, so an erasure reaches it.
      held: createHeldMail(
        inboxConfig.heldDir,
        inboxConfig.heldMailKeys,
        res.dataKeys ? { ring: res.dataKeys, keyer: res.keyer } : undefined,
      ),
    });
    const smtp = await inbox.listen(cfg.ports.smtp, cfg.host);
    inputs.push(() => inbox.close());

    // One ops server for the whole process (issue 17): the list's database, the bus, the view.
    const ops = await startOpsServer({
      port: cfg.ports.ops,
      host: cfg.host,
      registries: [res.metrics.registry],
      checks: [
        { name: 'database', check: () => db.ping().then(() => true) },
        { name: 'bus', check: () => bus.healthy() },
        ...(listView ? [{ name: 'list-view', check: async () => listView.view.fresh() }] : []),
      ],
    });
    pools.push(() => ops.close());

    const host = hostForUrl(cfg.host);
    return {
      urls: {
        ops: `http://${host}:${ops.port}`,
        edge: publicBaseUrl,
        api: `http://${host}:${addressPort(api.server.address())}`,
        smtp: `smtp://${host}:${smtp.port}`,
        ses: ses.url,
        twilio: twilio.url,
      },
      apiToken: cfg.secrets.apiToken,
      mode: {
        database: cfg.databaseUrl ? 'postgres' : 'pglite',
        bus: cfg.kafkaBrokers ? 'kafka' : 'database',
        consumers: cfg.consumers,
      },
      logger,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => {});
    throw err;
  }
}

function hostForUrl(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

function addressPort(addr: ReturnType<import('node:net').Server['address']>): number {
  return typeof addr === 'object' && addr ? addr.port : 0;
}

/** CFBL_DOMAIN for the email sender: the domain of the first abuse@ recipient, when it is abuse@. */
function cfblDomainOf(recipients: string): { CFBL_DOMAIN?: string } {
  const first = recipients.split(',')[0]?.trim().toLowerCase() ?? '';
  const m = /^abuse@([^@\s]+)$/.exec(first);
  return m?.[1] ? { CFBL_DOMAIN: m[1] } : {};
}
