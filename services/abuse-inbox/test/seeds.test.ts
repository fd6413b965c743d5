// Issue 16: mail over real SMTP to a partner's seed address becomes one `partner.seed-hit.v1` on
// real Kafka naming that partner and no other; a forged seed address is refused at RCPT.

import { newSeedAddress } from '@sp/suppression';
import { createTopic, testInfra } from '@sp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { events, plainMail, startInbox, type TestInbox } from './helpers';

let inbox: TestInbox | undefined;
afterEach(async () => {
  await inbox?.close();
  inbox = undefined;
});

const SEEDS = 'seeds.ink.example';

describe('partner seeds (issue 16)', () => {
  it("a mail to one partner's seed produces a seed hit naming that partner only", async () => {
    const brokers = testInfra().kafkaBrokers;
    const topic = await createTopic(brokers, 'seed-hit');
    inbox = await startInbox({ SEED_DOMAIN: SEEDS, TOPIC_SEED_HIT: topic });
    const keys = inbox.config.tokenKeys;
    const seedA = newSeedAddress(keys, 'p_aaaaaaaaaaaa', SEEDS);
    const seedB = newSeedAddress(keys, 'p_bbbbbbbbbbbb', SEEDS);

    const r = await inbox.send(
      `Message-ID: <offer-1@affiliate.example>\r\n${plainMail({ to: seedA, subject: 'Huge offer', body: 'buy now' })}`,
      [seedA],
      'blast@affiliate.example',
    );
    expect(r.response).toMatch(/^250/);
    await inbox.send(plainMail({ to: seedB, subject: 'Other offer', body: 'buy' }), [seedB.toUpperCase()]);

    const got = await events<{ partnerId: string; seed: string; messageId: string | null; via: string }>(
      inbox.brokers,
      topic,
      2,
    );
    expect(got[0]!.key).toBe('p_aaaaaaaaaaaa');
    expect(got[0]!.event.type).toBe('partner.seed-hit.v1');
    expect(got[0]!.event.data).toEqual({
      partnerId: 'p_aaaaaaaaaaaa',
      seed: seedA,
      messageId: '<offer-1@affiliate.example>',
      via: 'smtp',
    });
    expect(got[1]!.event.data).toMatchObject({ partnerId: 'p_bbbbbbbbbbbb', seed: seedB });
    // Neither mail is a complaint about a person: nothing for an operator to look at.
    expect(await inbox.quarantine.list()).toEqual([]);
  });

  it('refuses at RCPT a seed-looking address whose MAC is not ours (no framing of a partner)', async () => {
    inbox = await startInbox({ SEED_DOMAIN: SEEDS });
    const real = newSeedAddress(inbox.config.tokenKeys, 'p_aaaaaaaaaaaa', SEEDS);
    const forged = real.replace(/-[0-9a-f]{16}@/, '-0000000000000000@');
    const err = await inbox.send(plainMail({ to: forged, subject: 'x', body: 'y' }), [forged]).then(
      () => null,
      (e: Error & { responseCode?: number }) => e,
    );
    expect(err?.responseCode).toBe(550);
  });
});
