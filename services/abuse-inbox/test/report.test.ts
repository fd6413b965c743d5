// The report reader alone (report.ts with arf.ts, forwarded.ts, ses-mail.ts, attribution.ts), on
// every corpus fixture that reaches it (mail to the abuse mailbox): who each mail is about, as a
// complaint, a bounce or an opt-out, and by which evidence (R-AB-1..3, R-AB-5/6), or why it is
// kept for an operator. corpus.test.ts proves the same fixtures end to end over SMTP and Kafka;
// this one runs in memory, so the mutation run (pnpm mutation report) can afford it.
import { cfblFeedbackId } from '@sp/email-sender';
import { createSealer, generateSecret } from '@sp/identity';
import { describe, expect, it } from 'vitest';
import { analyzeReport, type Found } from '../src/report';
import { cfblFixtures, quarantineFixtures } from './corpus/cfbl-quarantine';
import { fblFixtures } from './corpus/fbl';
import type { Fixture, FixtureContext } from './corpus/fixture';
import { forwardedFixtures } from './corpus/forwarded';
import { dmarcFixtures } from './corpus/optout-dmarc';
import { sesFixtures } from './corpus/ses';
import { ABUSE, UNSUB_DOMAIN } from './mails';

const sealer = createSealer({ keys: { t1: generateSecret() }, currentKeyId: 't1' });
const OWN = [ABUSE, 'fbl@ink.example'];
const run = Math.random().toString(36).slice(2, 8);
const ctx: FixtureContext = {
  addr: (tag, domain = 'example.net') => `${tag}.${run}@${domain}`,
  token: (claims) => sealer.seal(claims),
  cfblId: ({ email, campaignId }) => cfblFeedbackId(sealer, email, campaignId)!,
  abuse: ABUSE,
  unsubDomain: UNSUB_DOMAIN,
};
/** Reasons the reader gives; the inbox adds its own (bad recipient, bad token) after it. */
const READER_REASONS = new Set([
  'arf-unattributable',
  'arf-without-feedback-report',
  'delivery-status-notification',
  'ses-notification-without-recipients',
  'forward-unattributable',
  'no-original-message',
  'arf-feedback-type-auth-failure',
  'arf-feedback-type-not-spam',
  'arf-feedback-type-virus-scan-result',
]);

const toAbuse = (f: Fixture) => {
  const b = f.build(ctx);
  return b.rcptTo === undefined || b.rcptTo.some((r) => OWN.includes(r.toLowerCase()));
};
const fixtures = [
  ...fblFixtures,
  ...forwardedFixtures,
  ...dmarcFixtures,
  ...sesFixtures,
  ...cfblFixtures,
  ...quarantineFixtures,
].filter(toAbuse);

const read = (raw: string) =>
  analyzeReport(Buffer.from(raw), {
    sealer,
    recipientTokenHeader: 'x-sp-recipient-token',
    ownAddresses: OWN,
  });

describe('the report reader on the corpus', () => {
  it('reads most of the corpus', () => {
    expect(fixtures.length).toBeGreaterThan(40);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_, fixture) => {
    const built = fixture.build(ctx);
    const a = await read(built.raw);
    const want = built.expect;
    if (want.quarantined !== undefined) {
      if (READER_REASONS.has(want.quarantined))
        expect(a).toMatchObject({ ok: false, reason: want.quarantined });
      // Otherwise the reader names someone and the inbox refuses the event (its own reasons).
      return;
    }
    expect(a.ok, JSON.stringify(a)).toBe(true);
    const found = (a as { found: Found[] }).found;
    const seen = found.map((f) => `${f.kind} ${f.email.toLowerCase()}`).sort();
    expect(seen).toEqual(want.published.map((e) => `${e.topic} ${e.email.toLowerCase()}`).sort());
    for (const e of want.published) {
      const f = found.find((x) => x.kind === e.topic && x.email.toLowerCase() === e.email.toLowerCase())!;
      // The inbox drops U+0000 from text before publishing (PostgreSQL cannot hold it): so here.
      expect(JSON.parse(JSON.stringify(f.data).replaceAll('\\u0000', ''))).toMatchObject(e.data ?? {});
      if (e.by) {
        const ev = { ...a.evidence, ...f.evidence };
        expect(ev.attributedBy ?? ev.via).toBe(e.by);
      }
    }
    // None of our own mailboxes is ever the person (R-AB-1/2).
    for (const f of found) expect(OWN).not.toContain(f.email.toLowerCase());
  });

  it('a mail that cannot be parsed at all is kept for an operator, not lost', async () => {
    const a = await analyzeReport(Buffer.from('not a mail'), {
      sealer,
      recipientTokenHeader: 'x-sp-recipient-token',
      ownAddresses: OWN,
    });
    expect(a.ok).toBe(false);
  });
});
