// POST /twilio/sms: Twilio's inbound-message webhook. The signature is checked against the public
// URL (R-TW-1); the message is in Kafka before the empty TwiML answer (R-TW-2). Keywords are the
// sms-stop-consumer's business: every signed message is published, its text cleaned of control
// characters (so `stop\u0000` is a STOP), unless the list could not take it (then a 400).
import { hasControlChars } from '@sp/contracts';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { z } from 'zod';
import { type Ctx, publish, subjectKey } from '../deps';

const TwilioInbound = z.looseObject({
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().default(''),
  AccountSid: z.string().optional(),
  MessageSid: z.string().optional(),
  SmsSid: z.string().optional(),
  MessagingServiceSid: z.string().optional(),
  OptOutType: z.string().optional(),
  ErrorCode: z.string().optional(),
});

/** Twilio's identifiers: a control character in one is never Twilio's, so the message is refused. */
const IDENTIFIERS = ['From', 'To', 'MessageSid', 'SmsSid', 'MessagingServiceSid', 'AccountSid'] as const;

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function stringParams(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  }
  return out;
}

export function registerTwilio(app: FastifyInstance, ctx: Ctx) {
  app.post('/twilio/sms', async (req, reply) => {
    const params = stringParams(req.body);
    const signature = req.headers['x-twilio-signature'];
    const url = `${ctx.config.publicBaseUrl}${req.url}`;
    const valid =
      typeof signature === 'string' &&
      twilio.validateRequest(ctx.config.twilioAuthToken, signature, url, params);
    if (!valid) {
      ctx.metrics
        .counter('edge_rejected_total', 'Refused webhook calls', ['reason'])
        .inc({ reason: 'twilio-signature' });
      ctx.logger.warn({ route: '/twilio/sms' }, 'twilio signature refused');
      if (!ctx.limits.failed(req, reply)) return reply;
      return reply.code(403).type('text/plain').send('Forbidden');
    }
    // Read only now: the signature is over the parameters exactly as Twilio sent them.
    const parsed = TwilioInbound.safeParse(params);
    if (!parsed.success) {
      return reply.code(400).type('text/plain').send('Missing From or To');
    }
    const m = parsed.data;
    const tainted = IDENTIFIERS.find((f) => m[f] !== undefined && hasControlChars(m[f]));
    if (tainted) {
      return reply.code(400).type('text/plain').send(`${tainted} holds control characters`);
    }
    const key = subjectKey(ctx, 'phone', m.From);
    if (key === null) {
      // The list keys a STOP by the sender's number: one that does not normalize cannot be recorded.
      return reply.code(400).type('text/plain').send('From is not a phone number');
    }
    // A signed request is never refused for volume; Twilio's retries (and replays of a captured
    // one) carry the same MessageSid and are published once per window.
    const sid = m.MessageSid ?? m.SmsSid;
    if (sid && !(await ctx.limits.firstTime('/twilio/sms', sid, reply))) {
      return reply.code(200).type('text/xml').send(EMPTY_TWIML);
    }
    const optOutType = m.OptOutType?.toUpperCase();
    // ErrorCode is numeric on the wire; anything else is not Twilio's and is left out, not refused.
    const errorCode = m.ErrorCode && /^\d{1,9}$/.test(m.ErrorCode) ? Number(m.ErrorCode) : undefined;
    await publish(ctx, [
      {
        topic: ctx.config.topics.smsInbound,
        type: 'consent.sms-inbound.v1',
        key,
        data: {
          from: m.From,
          to: m.To,
          body: m.Body,
          ...((m.MessageSid ?? m.SmsSid) ? { messageSid: m.MessageSid ?? m.SmsSid } : {}),
          ...(m.MessagingServiceSid ? { messagingServiceSid: m.MessagingServiceSid } : {}),
          ...(optOutType === 'STOP' || optOutType === 'START' || optOutType === 'HELP' ? { optOutType } : {}),
          ...(errorCode !== undefined ? { errorCode } : {}),
          defaultRegion: ctx.config.smsDefaultRegion,
        },
        evidence: { messageSid: m.MessageSid ?? m.SmsSid ?? null, channel: 'twilio-webhook' },
      },
    ]);
    ctx.logger.info({ subjectKey: key }, 'inbound sms published');
    return reply.code(200).type('text/xml').send(EMPTY_TWIML);
  });
}
