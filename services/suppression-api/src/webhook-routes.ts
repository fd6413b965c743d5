// Webhook endpoints over the API (issue 14): register, list, disable, read the delivery attempts,
// send dead deliveries again. A route table of its own, in the shape of spec.ts, registered by
// app.ts and documented by openapi.ts beside the others.
import type { SuppressionContext } from '@sp/suppression';
import {
  createEndpoint,
  Delivery,
  DeliveryStatus,
  disableEndpoint,
  Endpoint,
  listDeliveries,
  listEndpoints,
  NewEndpoint,
  redeliverDead,
} from '@sp/webhooks';
import { z } from 'zod';
import { HttpError } from './errors';
import { ErrorBody } from './schemas';
import type { RouteSpec } from './spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });
const notFound = { description: 'No such endpoint.', content: json(ErrorBody) };

const EndpointId = z.object({ id: z.string().min(1).max(100).describe('The endpoint id (ep_…).') });
const NewEndpointResponse = z.object({
  endpoint: Endpoint,
  secret: z.string().describe('The whsec_ secret receivers verify signatures with: shown here only.'),
});
const EndpointsResponse = z.object({ endpoints: z.array(Endpoint) });
const EndpointResponse = z.object({ endpoint: Endpoint });
const RedeliverResponse = z.object({ endpointId: z.string(), redelivered: z.number() });
const DeliveriesQuery = z.strictObject({
  endpointId: z.string().min(1).max(100),
  status: DeliveryStatus.optional().describe(
    'Only deliveries in this state (dead: the endpoint’s dead letters).',
  ),
  before: z.coerce.number().int().min(1).optional().describe('`nextBefore` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const DeliveriesResponse = z.object({
  deliveries: z.array(Delivery).describe('Newest first, each with every attempt.'),
  nextBefore: z.number().nullable(),
});

const spec = <const T extends RouteSpec>(s: T): T => s;

export const webhookRoutes = {
  createWebhook: spec({
    operationId: 'createWebhook',
    method: 'POST',
    url: '/v1/webhooks',
    scope: 'admin',
    summary: 'Register a webhook endpoint for list changes (signed per Standard Webhooks)',
    description:
      'Every change of the list from now on that passes the filter (channels, purposes, reasons; absent = all) ' +
      'is POSTed to the URL as `{type, timestamp, data}` with the headers webhook-id, webhook-timestamp and ' +
      'webhook-signature (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` keyed with the secret). At least ' +
      'once: retried with exponential backoff until a 2xx, in order per subject; dead after the last attempt. ' +
      'Payloads carry subject keys and reasons; the readable address only with includeAddress.',
    body: json(NewEndpoint),
    responses: { 201: { description: 'Registered.', content: json(NewEndpointResponse) } },
  }),
  listWebhooks: spec({
    operationId: 'listWebhooks',
    method: 'GET',
    url: '/v1/webhooks',
    scope: 'admin',
    summary: 'Webhook endpoints with their deliveries per state (pending, delivered, dead)',
    responses: { 200: { description: 'The endpoints.', content: json(EndpointsResponse) } },
  }),
  disableWebhook: spec({
    operationId: 'disableWebhook',
    method: 'POST',
    url: '/v1/webhooks/disable',
    scope: 'admin',
    summary: 'Stop delivering to an endpoint (its delivery history stays readable)',
    body: json(EndpointId),
    responses: { 200: { description: 'Disabled.', content: json(EndpointResponse) }, 404: notFound },
  }),
  redeliverWebhook: spec({
    operationId: 'redeliverWebhook',
    method: 'POST',
    url: '/v1/webhooks/redeliver',
    scope: 'admin',
    summary: "Send an endpoint's dead deliveries again (after the receiver was fixed)",
    description: 'They become pending with a fresh attempt budget, under their original webhook-id.',
    body: json(EndpointId),
    responses: {
      200: { description: 'How many were queued.', content: json(RedeliverResponse) },
      404: notFound,
    },
  }),
  webhookDeliveries: spec({
    operationId: 'webhookDeliveries',
    method: 'GET',
    url: '/v1/webhooks/deliveries',
    scope: 'admin',
    summary: "An endpoint's deliveries and every attempt (status code or error, duration)",
    query: DeliveriesQuery,
    responses: { 200: { description: 'One page.', content: json(DeliveriesResponse) }, 404: notFound },
  }),
} as const;

type Register = <R extends RouteSpec>(
  spec: R,
  handler: (
    input: { query: R['query'] extends z.ZodType ? z.infer<R['query']> : undefined; body: unknown },
    req: unknown,
    reply: { code(status: number): unknown },
  ) => Promise<unknown>,
) => void;

export function registerWebhookRoutes(deps: {
  register: Register;
  parseBody: <T extends z.ZodType>(schema: T, body: unknown) => z.infer<T>;
  ctx: SuppressionContext;
}): void {
  const { register, parseBody, ctx } = deps;
  const endpointOr404 = async (id: string) => {
    const [endpoint] = await listEndpoints(ctx, { id });
    if (!endpoint) throw new HttpError(404, 'not_found', `no webhook endpoint ${id}`);
    return endpoint;
  };
  const r = webhookRoutes;

  register(r.createWebhook, async ({ body }, _req, reply) => {
    const made = await createEndpoint(ctx, parseBody(r.createWebhook.body['application/json'], body));
    reply.code(201);
    return made;
  });
  register(r.listWebhooks, async () => ({ endpoints: await listEndpoints(ctx) }));
  register(r.disableWebhook, async ({ body }) => {
    const { id } = parseBody(EndpointId, body);
    await endpointOr404(id);
    await disableEndpoint(ctx, id);
    return { endpoint: await endpointOr404(id) };
  });
  register(r.redeliverWebhook, async ({ body }) => {
    const { id } = parseBody(EndpointId, body);
    await endpointOr404(id);
    return { endpointId: id, redelivered: await redeliverDead(ctx, id) };
  });
  register(r.webhookDeliveries, async ({ query }) => {
    await endpointOr404(query.endpointId);
    return listDeliveries(ctx, query);
  });
}
