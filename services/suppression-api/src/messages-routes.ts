// The send API's handlers (issue 14): thin — parse, call a verb of ./messages, answer.
import type { SuppressionContext } from '@sp/suppression';
import type { Register } from './app';
import { HttpError } from './errors';
import { acceptSends, messageOutcome, type SendChannel, type SendDeps, type SendResult } from './messages';
import { MAX_SEND_BATCH, messageRoutes as routes } from './messages-spec';

export function registerMessageRoutes(
  register: Register,
  deps: { ctx: SuppressionContext; send: SendDeps | undefined; clock: () => Date },
): void {
  const { ctx, clock } = deps;
  const sendDeps = (): SendDeps => {
    if (!deps.send)
      throw new HttpError(503, 'unavailable', 'this API has no bus to the senders (KAFKA_BROKERS)');
    return deps.send;
  };

  const one = (channel: SendChannel) => async (body: unknown) => {
    const send = sendDeps();
    const [r] = await acceptSends(ctx, send, channel, [body], clock());
    if (r!.status === 'rejected') throw new HttpError(400, 'invalid_request', `body.${r!.error}`);
    return { messageId: r!.messageId, status: 'accepted' as const };
  };

  const batch = (channel: SendChannel) => async (body: unknown) => {
    const send = sendDeps();
    const messages = (body as { messages?: unknown } | null)?.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      throw new HttpError(400, 'invalid_request', 'body.messages: expected an array of 1 or more messages');
    }
    if (messages.length > MAX_SEND_BATCH) {
      throw new HttpError(
        413,
        'too_large',
        `at most ${MAX_SEND_BATCH} messages per batch, got ${messages.length}`,
      );
    }
    const results: SendResult[] = await acceptSends(ctx, send, channel, messages, clock());
    const accepted = results.filter((r) => r.status === 'accepted').length;
    return { accepted, rejected: results.length - accepted, results };
  };

  const email = one('email');
  const sms = one('sms');
  const emailBatch = batch('email');
  const smsBatch = batch('sms');
  register(routes.sendEmail, async ({ body }, _req, reply) => {
    const r = await email(body);
    reply.code(202);
    return r;
  });
  register(routes.sendSms, async ({ body }, _req, reply) => {
    const r = await sms(body);
    reply.code(202);
    return r;
  });
  register(routes.sendEmailBatch, async ({ body }, _req, reply) => {
    const r = await emailBatch(body);
    reply.code(202);
    return r;
  });
  register(routes.sendSmsBatch, async ({ body }, _req, reply) => {
    const r = await smsBatch(body);
    reply.code(202);
    return r;
  });
  register(routes.messageOutcome, async ({ params }) => {
    const outcome = await messageOutcome(ctx.db, params.id);
    if (!outcome) {
      throw new HttpError(
        404,
        'not_found',
        'no sender has seen this message id (still on the bus, or never sent)',
      );
    }
    return outcome;
  });
}
