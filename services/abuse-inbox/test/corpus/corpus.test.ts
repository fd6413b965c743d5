// Issue 10, "proof on real-world material": every corpus fixture (our own mails reproducing the
// shapes of public real samples, see README.md) goes over real SMTP into a real abuse-inbox on
// real Kafka, and the real complaint and opt-out consumers write the list in a real PostgreSQL.
// Each fixture states its exact outcome: which events (topic, subject, fields, what attributed
// it), where that leaves the person on the list, or the quarantine reason; and who must stay
// untouched (R-AB-1..6).
import { cfblFeedbackId } from '@sp/email-sender';
import { consumeAll, testInfra } from '@sp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNSUB_DOMAIN } from '../helpers';
import { type FeedTopic, type Pipeline, startPipeline } from '../pipeline';
import { cfblFixtures, quarantineFixtures } from './cfbl-quarantine';
import { fblFixtures } from './fbl';
import type { Built, Fixture, FixtureContext, Scope } from './fixture';
import { forwardedFixtures } from './forwarded';
import { dmarcFixtures, optOutFixtures } from './optout-dmarc';
import { sesFixtures } from './ses';

const fixtures: Fixture[] = [
  ...fblFixtures,
  ...forwardedFixtures,
  ...dmarcFixtures,
  ...optOutFixtures,
  ...sesFixtures,
  ...cfblFixtures,
  ...quarantineFixtures,
];

interface Envelope {
  id: string;
  type: string;
  data: Record<string, unknown> & { email?: string };
  evidence?: Record<string, unknown>;
}
interface Received {
  topic: FeedTopic;
  key: string | null;
  event: Envelope;
}
interface Delivered {
  fixture: Fixture;
  built: Built;
  response: string;
  quarantine: { reason: string; source: string }[];
}

let p: Pipeline;
const delivered = new Map<string, Delivered>();
const received: Received[] = [];

const TYPES = {
  complaint: 'abuse.complaint.v1',
  bounce: 'email.bounce.v1',
  optout: 'consent.email-optout.v1',
};

beforeAll(async () => {
  p = await startPipeline('abuse-corpus');
  const { inbox } = p;
  const run = Math.random().toString(36).slice(2, 8);
  const ctx: FixtureContext = {
    addr: (tag, domain = 'example.net') => `${tag}.${run}@${domain}`,
    token: (claims) => inbox.sealer.seal(claims),
    // What the email sender puts in CFBL-Feedback-ID (a sealed, short id; see compose.ts).
    cfblId: ({ email, campaignId }) => {
      const id = cfblFeedbackId(inbox.sealer, email, campaignId);
      if (!id) throw new Error('no CFBL-Feedback-ID for this recipient');
      return id;
    },
    abuse: inbox.config.recipients[0]!,
    unsubDomain: UNSUB_DOMAIN,
  };

  // One mail at a time, so each quarantine entry belongs to the mail just sent.
  for (const fixture of fixtures) {
    const built = fixture.build(ctx);
    const before = (await inbox.quarantine.list()).length;
    const { response } = await inbox.send(built.raw, built.rcptTo ?? [ctx.abuse]);
    const quarantine = (await inbox.quarantine.list())
      .slice(before)
      .map(({ reason, source }) => ({ reason, source }));
    delivered.set(fixture.name, { fixture, built, response, quarantine });
  }

  // Everything accepted is on Kafka already (acked before the 250): read exactly what is there.
  for (const t of ['complaint', 'bounce', 'optout'] as const) {
    const messages = await consumeAll(testInfra().kafkaBrokers, p.topicOf(t), await p.published(t));
    for (const m of messages)
      received.push({ topic: t, key: m.key, event: JSON.parse(m.value ?? 'null') as Envelope });
  }
  // And the consumers have written all of it to the list before any assertion reads the list.
  await p.caughtUp();
}, 600_000);

afterAll(() => p?.close());

/** The list as a scope means it: which checks are blocked (true) and which still pass (false). */
async function expectScope(email: string, scope: Scope) {
  const topic = typeof scope === 'object' ? scope.topic : undefined;
  const want =
    scope === 'marketing'
      ? { marketing: true, transactional: false }
      : scope === 'all'
        ? { marketing: true, transactional: true }
        : scope === 'none'
          ? { marketing: false, transactional: false }
          : { marketing: false, transactional: false, topic: true };
  expect(await p.blocked(email, topic), email).toEqual(want);
}

describe('abuse-inbox corpus over SMTP (issue 10)', () => {
  it('has at least 60 distinct fixtures, each naming the real sample it models', () => {
    const names = fixtures.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(60);
    for (const f of fixtures) expect(f.models.length, f.name).toBeGreaterThan(20);
    const raws = [...delivered.values()].map((d) => d.built.raw);
    expect(new Set(raws).size).toBe(raws.length);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (name) => {
    const d = delivered.get(name)!;
    const { expect: want } = d.built;
    // Accepted either way (never a bounce back to the FBL), and said which way.
    expect(d.response).toMatch(/^250 /);

    const mine = new Set([...(want.published ?? []).map((e) => e.email.toLowerCase())]);
    const events = received.filter((r) => mine.has(String(r.event.data.email).toLowerCase()));

    if (want.quarantined !== undefined) {
      expect(d.response).toMatch(/Accepted for review/);
      expect(d.quarantine).toEqual([{ reason: want.quarantined, source: 'smtp' }]);
    } else {
      expect(d.response).not.toMatch(/for review/);
      expect(d.quarantine).toEqual([]);
      expect(events).toHaveLength(want.published.length);
      for (const e of want.published) {
        const got = events.find(
          (r) => r.topic === e.topic && String(r.event.data.email).toLowerCase() === e.email.toLowerCase(),
        );
        expect(got, `${e.topic} event for ${e.email}`).toBeDefined();
        expect(got!.event.type).toBe(TYPES[e.topic]);
        expect(got!.key).toBe(p.inbox.keyer.keyOf({ type: 'email', value: e.email.toLowerCase() }));
        expect(got!.event.data).toMatchObject({ email: e.email, ...(e.data ?? {}) });
        if (e.by) expect(got!.event.evidence?.attributedBy ?? got!.event.evidence?.via).toBe(e.by);
        await expectScope(e.email, e.scope);
      }
    }
    // Who must stay untouched: no event names them, the list lets every mail through.
    for (const email of want.unaffected ?? []) {
      expect(
        received.filter((r) => String(r.event.data.email).toLowerCase() === email.toLowerCase()),
      ).toEqual([]);
      await expectScope(email, 'none');
    }
  });
});
