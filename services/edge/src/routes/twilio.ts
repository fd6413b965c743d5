// POST /twilio/sms: Twilio's inbound-message webhook. The signature is checked against the public
// URL (R-TW-1); the message is in Kafka before the empty TwiML answer (R-TW-2). Keywords are the
// sms-stop-consumer's business: every signed message is published as received.
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { z } from 'zod';
import { type Ctx, publish, subjectKey } from '../deps';

export const TwilioInbound = z.looseObject({
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().default(''),
  MessageSid: z.string().optional(),
  SmsSid: z.string().optional(),
  MessagingServiceSid: z.string().optional(),
  OptOutType: z.string().optional(),
  ErrorCode: z.string().optional(),
});
export type TwilioInbound = z.infer<typeof TwilioInbound>;

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
    const parsed = TwilioInbound.safeParse(params);
    if (!parsed.success) {
      return reply.code(400).type('text/plain').send('Missing From or To');
    }
    const m = parsed.data;
    const optOutType = m.OptOutType?.toUpperCase();
    const key = subjectKey(ctx, 'phone', m.From);
    // A signed request is never refused for volume; Twilio's retries (and replays of a captured
    // one) carry the same MessageSid and are published once per window.
    const sid = m.MessageSid ?? m.SmsSid;
    if (sid && !(await ctx.limits.firstTime('/twilio/sms', sid, reply))) {
      return reply.code(200).type('text/xml').send(EMPTY_TWIML);
    }
    await publish(ctx, [
      {
        topic: ctx.config.topics.smsInbound,
        type: 'consent.sms-inbound.v1',
        // A sender that does not normalize (short code, alphanumeric) still gets recorded, unkeyed.
        key,
        data: {
          from: m.From,
          to: m.To,
          body: m.Body,
          ...((m.MessageSid ?? m.SmsSid) ? { messageSid: m.MessageSid ?? m.SmsSid } : {}),
          ...(m.MessagingServiceSid ? { messagingServiceSid: m.MessagingServiceSid } : {}),
          ...(optOutType === 'STOP' || optOutType === 'START' || optOutType === 'HELP' ? { optOutType } : {}),
          ...(m.ErrorCode ? { errorCode: m.ErrorCode } : {}),
          defaultRegion: ctx.config.smsDefaultRegion,
        },
        evidence: { messageSid: m.MessageSid ?? m.SmsSid ?? null, channel: 'twilio-webhook' },
      },
    ]);
    ctx.logger.info({ subjectKey: key }, 'inbound sms published');
    return reply.code(200).type('text/xml').send(EMPTY_TWIML);
  });
}
