// POST /aws/sns: SES bounce and complaint notifications through SNS (R-AB-3, R-AB-4). Only
// signed messages of expected topics are read; subscriptions are confirmed for those topics only.

import { hasControlChars, sesEvents, sesNotificationOf } from '@sp/contracts';
import type { FastifyInstance } from 'fastify';
import { type Ctx, envelopeOf, publish, subjectKey } from '../deps';
import { createSnsVerifier, SnsMessage, SnsVerificationError } from '../sns-verify';

export function registerSns(app: FastifyInstance, ctx: Ctx) {
  const verifier = createSnsVerifier({
    fetchCertificate: ctx.fetchCertificate,
    certHostPattern: ctx.config.sns.certHostPattern,
  });
  const expected = new Set(ctx.config.sns.topicArns);
  const refused = (reason: string) =>
    ctx.metrics
      .counter('edge_rejected_total', 'Refused webhook calls', ['reason'])
      .inc({ reason: `sns-${reason}` });

  app.post('/aws/sns', async (req, reply) => {
    let raw: unknown = req.body;
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch {
        refused('json');
        if (!ctx.limits.failed(req, reply)) return reply;
        return reply.code(400).send({ error: 'not JSON' });
      }
    }
    const parsed = SnsMessage.safeParse(raw);
    if (!parsed.success) {
      refused('shape');
      if (!ctx.limits.failed(req, reply)) return reply;
      return reply.code(400).send({ error: 'not an SNS message' });
    }
    const m = parsed.data;
    if (!expected.has(m.TopicArn)) {
      refused('topic');
      ctx.logger.warn({ topicArn: m.TopicArn, type: m.Type }, 'sns message of an unexpected topic refused');
      if (!ctx.limits.failed(req, reply)) return reply;
      return reply.code(403).send({ error: 'unexpected topic' });
    }
    try {
      await verifier.verify(m);
    } catch (err) {
      if (!(err instanceof SnsVerificationError)) throw err;
      refused(err.reason);
      ctx.logger.warn({ reason: err.reason, topicArn: m.TopicArn }, 'sns message refused');
      if (!ctx.limits.failed(req, reply)) return reply;
      return reply.code(403).send({ error: 'signature not valid' });
    }

    if (m.Type === 'SubscriptionConfirmation') {
      if (!m.SubscribeURL) return reply.code(400).send({ error: 'no SubscribeURL' });
      const res = await ctx.httpGet(m.SubscribeURL);
      ctx.logger.info({ topicArn: m.TopicArn, status: res.status }, 'sns subscription confirmed');
      if (res.status >= 400) return reply.code(502).send({ error: 'confirmation failed' });
      return reply.code(200).send({ confirmed: true });
    }
    if (m.Type === 'UnsubscribeConfirmation') {
      ctx.logger.warn({ topicArn: m.TopicArn }, 'sns unsubscribe confirmation received (not acted on)');
      return reply.code(200).send({ ok: true });
    }

    // The same reader as SES notifications that arrive by mail (abuse-inbox).
    const ses = sesNotificationOf({ Message: m.Message });
    if (!ses) {
      ctx.logger.warn({ topicArn: m.TopicArn }, 'sns notification is not an SES notification; ignored');
      return reply.code(200).send({ published: 0 });
    }
    // Signed, so never refused for volume; SNS's retries carry the same MessageId: published once.
    if (!(await ctx.limits.firstTime('/aws/sns', m.MessageId, reply))) {
      return reply.code(200).send({ published: 0, duplicate: true });
    }
    const all = sesEvents(ses).map((e) => ({
      topic: e.kind === 'bounce' ? ctx.config.topics.bounce : ctx.config.topics.complaint,
      type: e.kind === 'bounce' ? 'email.bounce.v1' : 'abuse.complaint.v1',
      key: hasControlChars(e.email) ? null : subjectKey(ctx, 'email', e.email),
      data: e.data,
      ...(e.occurredAt ? { occurredAt: e.occurredAt } : {}),
      evidence: { ...e.evidence, snsMessageId: m.MessageId },
    }));
    // A recipient the list cannot take (not an address, control characters) is left out and
    // counted; the others of the same notification are still honoured (never drop an opt-out).
    const events = all.filter((e) => e.key !== null && envelopeOf(ctx, e).ok);
    const skipped = all.length - events.length;
    if (skipped > 0) refused('recipient');
    if (all.length > 0 && events.length === 0) {
      ctx.logger.warn(
        { topicArn: m.TopicArn, snsMessageId: m.MessageId },
        'ses notification without a valid recipient',
      );
      return reply.code(400).send({ error: 'no recipient of this notification is a valid address' });
    }
    if (events.length > 0) await publish(ctx, events);
    ctx.logger.info(
      { subjectKeys: events.map((e) => e.key), snsMessageId: m.MessageId, skipped },
      'ses notification published',
    );
    return reply.code(200).send({ published: events.length, ...(skipped > 0 ? { skipped } : {}) });
  });
}
