// Issue 10, fuzzing the SMTP ingress with random MIME (fast-check; see test/fuzz-mime.ts).
// 1. Most cases go through processMail (the whole inbox behind SMTP) on the embedded bus: it never
//    throws, and every mail is either published as events the consumers' contract accepts and
//    can key (no U+0000, an address identity can normalize) or sits in the quarantine.
// 2. A few hundred go over real SMTP (one pooled connection) to a real inbox on real Kafka with
//    the real complaint and opt-out consumers behind it: every message gets a 250 or a clean 5xx,
//    never a 4xx or a dropped connection; nothing reaches a dead letter; the server still
//    serves a well-formed report afterwards.
// FUZZ_RUNS (default 2000) sets the first, FUZZ_SMTP_RUNS (default 300) the second; bench/README.md
// has the long run.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvent, type TopicName, Topics } from '@sp/contracts';
import { cfblFeedbackId } from '@sp/email-sender';
import { generateSecret, toSubject } from '@sp/identity';
import { createMemoryBus } from '@sp/messaging';
import { silentLogger } from '@sp/observability';
import { consumeAll, testInfra } from '@sp/testing';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { inboxDepsFrom, processMail } from '../src/inbox';
import { emailish, fuzzMail, renderMail, type Sealing } from './fuzz-mime';
import { ABUSE, UNSUB_DOMAIN } from './helpers';
import { type FeedTopic, type Pipeline, startPipeline } from './pipeline';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SMTP_RUNS = Number(process.env.FUZZ_SMTP_RUNS ?? 300);

/** Why a published event would be refused downstream; null when the consumers take it. */
function refusal(topic: TopicName, value: Buffer | string | null): string | null {
  const text = value === null ? '' : value.toString();
  if (text.includes('\\u0000')) return 'U+0000 in the event (PostgreSQL jsonb refuses it)';
  let json: { data?: { email?: unknown } };
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const parsed = parseEvent(topic, json);
  if (!parsed.ok) return `contract: ${parsed.error}`;
  try {
    toSubject('email', String(json.data?.email));
  } catch (e) {
    return `identity: ${(e as Error).message}`;
  }
  return null;
}

/** Envelope recipients: mostly abuse@, sometimes a mailto unsubscribe with a good or a bad token. */
const recipient = (s: Sealing) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(ABUSE) },
    fc.emailAddress().map((email) => `unsubscribe+${s.token({ email })}@${UNSUB_DOMAIN}`),
    fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/).map((t) => `unsubscribe+${t}@${UNSUB_DOMAIN}`),
  );

describe('abuse-inbox fuzz: random MIME (issue 10)', () => {
  const dirs: string[] = [];
  let pipeline: Pipeline | undefined;
  afterAll(async () => {
    await pipeline?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** The inbox behind SMTP (processMail) on the embedded bus, quarantine in a temp folder. */
  async function embedded() {
    const dir = mkdtempSync(join(tmpdir(), 'sp-fuzz-quarantine-'));
    dirs.push(dir);
    const config = loadConfig({
      ABUSE_RECIPIENTS: `${ABUSE},fbl@ink.example`,
      UNSUBSCRIBE_DOMAIN: UNSUB_DOMAIN,
      QUARANTINE_DIR: dir,
      TOKEN_KEYS: `k1:${generateSecret()}`,
      SUBJECT_PEPPERS: `p1:${generateSecret()}`,
    });
    const bus = createMemoryBus();
    const deps = inboxDepsFrom(config, bus, silentLogger());
    const sealing: Sealing = {
      token: (c) => deps.sealer.seal(c),
      cfblId: (c) => cfblFeedbackId(deps.sealer, c.email, c.campaignId) ?? '',
    };
    const topics: [string, TopicName][] = [
      [config.topics.complaint, Topics.complaint],
      [config.topics.bounce, Topics.bounce],
      [config.topics.emailOptOut, Topics.emailOptOut],
    ];
    await bus.ensureTopics(topics.map(([topic]) => ({ topic, partitions: 1 })));
    return { dir, bus, deps, sealing, topics };
  }

  it('regression: an attachment with an empty Content-Type is read, not a crash (found by this fuzz test)', async () => {
    const { deps } = await embedded();
    const raw = Buffer.from(
      `From: someone@example.org\r\nTo: ${ABUSE}\r\nContent-Type: multipart/mixed; boundary="a"\r\n\r\n--a\r\nContent-Type: \r\n\r\nxx\r\n`,
    );
    const outcome = await processMail(deps, raw, [ABUSE], 'fuzz');
    expect(outcome).toMatchObject({ status: 'quarantined', reason: 'no-original-message' });
  });

  it(`processMail never throws; every mail is published as consumable events or quarantined (${RUNS} runs)`, async () => {
    const { dir, bus, deps, sealing, topics } = await embedded();
    const seen = { published: 0, quarantined: 0 };

    await fc.assert(
      fc.asyncProperty(fuzzMail, recipient(sealing), async (m, to) => {
        const raw = renderMail(m, sealing, to);
        const before = topics.map(([t]) => bus.read(t).length);
        const outcome = await processMail(deps, raw, [to], 'fuzz');
        const fresh = topics.flatMap(([t, name], i) =>
          bus
            .read(t)
            .slice(before[i])
            .map((msg) => ({ name, msg })),
        );
        if (outcome.status === 'published') {
          seen.published += 1;
          expect(fresh.length).toBe(outcome.events);
          expect(outcome.events).toBeGreaterThan(0);
          for (const { name, msg } of fresh) expect(refusal(name, msg.value)).toBeNull();
        } else {
          seen.quarantined += 1;
          expect(fresh).toEqual([]);
          expect(outcome.reason.length).toBeGreaterThan(0);
          expect(existsSync(join(dir, `${outcome.quarantineId}.eml`))).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    // The generator reaches both outcomes (else the property above proves little).
    console.info(`processMail fuzz: ${JSON.stringify(seen)}`);
    expect(seen.published).toBeGreaterThan(0);
    expect(seen.quarantined).toBeGreaterThan(0);
  }, 600_000);

  it(`over real SMTP and Kafka: 250 or a clean 5xx for every message, nothing dead-lettered (${SMTP_RUNS} runs)`, async () => {
    pipeline = await startPipeline('abuse-fuzz');
    const p = pipeline;
    const { inbox } = p;
    const sealing: Sealing = {
      token: (c) => inbox.sealer.seal(c),
      cfblId: (c) => cfblFeedbackId(inbox.sealer, c.email, c.campaignId) ?? '',
    };
    // One pooled connection carries every run: the server sees message after message on it.
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: inbox.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
      maxMessages: Number.POSITIVE_INFINITY,
    });
    const tally = { accepted: 0, forReview: 0, refused: 0, unsent: 0 };
    const email = `after-fuzz.${Date.now().toString(36)}@example.com`;
    try {
      await fc.assert(
        fc.asyncProperty(fuzzMail, fc.oneof(recipient(sealing), emailish), async (m, to) => {
          const raw = renderMail(m, sealing, to);
          const reply = await transport
            .sendMail({ envelope: { from: 'fuzz@example.org', to: [to] }, raw })
            .then(
              (info) => ({ ok: true as const, response: String(info.response) }),
              (err: Error & { responseCode?: number; code?: string }) => ({
                ok: false as const,
                code: err.responseCode,
                err,
              }),
            );
          // nodemailer itself refuses an envelope it cannot write (no usable recipient): nothing was sent.
          if (!reply.ok && reply.code === undefined && reply.err.code === 'EENVELOPE') {
            tally.unsent += 1;
            return;
          }
          if (reply.ok) {
            expect(reply.response).toMatch(/^250 /);
            if (/for review/.test(reply.response)) tally.forReview += 1;
            else tally.accepted += 1;
          } else {
            // A refusal is a permanent SMTP answer (bad recipient, too big), never a 4xx or a reset.
            expect(reply.code, `${reply.err.code}: ${reply.err.message}`).toBeGreaterThanOrEqual(500);
            expect(reply.code).toBeLessThan(600);
            tally.refused += 1;
          }
        }),
        { numRuns: SMTP_RUNS },
      );

      // Still serving: a well-formed SES complaint by mail is published and reaches the list.
      const ses = {
        notificationType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: email }] },
      };
      const info = await transport.sendMail({
        envelope: { from: 'fuzz@example.org', to: [ABUSE] },
        raw: `From: AWS Notifications <no-reply@sns.amazonaws.example>\r\nTo: ${ABUSE}\r\nSubject: AWS Notification Message\r\n\r\n${JSON.stringify(ses)}\r\n`,
      });
      expect(String(info.response)).toMatch(/^250 Accepted$/);
    } finally {
      transport.close();
    }

    console.info(`smtp fuzz: ${JSON.stringify(tally)}`);
    expect(tally.accepted + tally.forReview + tally.refused + tally.unsent).toBe(SMTP_RUNS);
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.forReview).toBeGreaterThan(0);
    // Every mail accepted for review is in the quarantine; every other accepted one published.
    expect((await inbox.quarantine.list()).length).toBeGreaterThanOrEqual(tally.forReview);
    const counts = await Promise.all(
      (['complaint', 'bounce', 'optout'] as FeedTopic[]).map((t) => p.published(t)),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(tally.accepted + 1);
    // What was published is what the consumers take: all of it applied, none dead-lettered.
    await p.caughtUp();
    expect(await p.deadLettered()).toBe(0);
    const names: Record<FeedTopic, TopicName> = {
      complaint: Topics.complaint,
      bounce: Topics.bounce,
      optout: Topics.emailOptOut,
    };
    for (const [i, t] of (['complaint', 'bounce', 'optout'] as FeedTopic[]).entries()) {
      for (const msg of await consumeAll(testInfra().kafkaBrokers, p.topicOf(t), counts[i]!)) {
        expect(refusal(names[t], msg.value)).toBeNull();
      }
    }
    expect((await p.blocked(email)).marketing).toBe(true);
  }, 600_000);
});
