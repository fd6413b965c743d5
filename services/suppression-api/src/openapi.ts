// The OpenAPI 3.1 document, generated from the route table and its zod schemas (z.toJSONSchema,
// JSON Schema 2020-12, which OpenAPI 3.1 uses as its schema dialect).
import { z } from 'zod';
import { ErrorBody } from './schemas';
import { type RouteSpec, routes } from './spec';
import { topicRoutes } from './topic-routes';
import { webhookRoutes } from './webhook-routes';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

function parameters(schema: z.ZodType, where: 'query' | 'path'): unknown[] {
  const s = toSchema(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    schema: p,
  }));
}

const errorContent = () => ({ 'application/json': { schema: toSchema(ErrorBody, 'output') } });

function operation(r: RouteSpec): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, res] of Object.entries(r.responses)) {
    responses[status] = {
      description: res.description,
      ...(res.content
        ? {
            content: Object.fromEntries(
              Object.entries(res.content).map(([type, schema]) => [
                type,
                { schema: toSchema(schema, 'output') },
              ]),
            ),
          }
        : {}),
    };
  }
  const standard: Array<[number, string, boolean]> = [
    [
      400,
      r.body || r.query || r.params
        ? 'The request does not parse, or has a query parameter this route does not take (the message says which).'
        : 'A query parameter: this route takes none.',
      true,
    ],
    [401, 'No token, or an unknown one.', r.scope !== null],
    [403, `The token lacks the '${r.scope}' scope.`, r.scope !== null],
    [413, 'The body is too large.', !!r.body],
    [415, 'The body has an unsupported media type.', !!r.body],
    [500, 'An unexpected error (details are in the logs, never in the answer).', true],
    [503, 'The database cannot be reached; retry later.', r.scope !== null],
  ];
  for (const [status, description, applies] of standard) {
    if (applies && !responses[String(status)])
      responses[String(status)] = { description, content: errorContent() };
  }
  return {
    operationId: r.operationId,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    ...(r.scope ? { security: [{ bearer: [r.scope] }], tags: [r.scope] } : { security: [], tags: ['ops'] }),
    ...(r.query || r.params
      ? {
          parameters: [
            ...(r.params ? parameters(r.params, 'path') : []),
            ...(r.query ? parameters(r.query, 'query') : []),
          ],
        }
      : {}),
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              Object.entries(r.body).map(([type, schema]) => [type, { schema: toSchema(schema, 'input') }]),
            ),
          },
        }
      : {}),
    responses,
  };
}

/** fastify's `/v1/messages/:id` is OpenAPI's `/v1/messages/{id}`. */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

export function buildOpenApi(opts: { serverUrl?: string } = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [
    ...Object.values(routes),
    ...Object.values(webhookRoutes),
    ...Object.values(topicRoutes),
  ] as RouteSpec[]) {
    const path = openApiPath(r.url);
    const item = paths[path] ?? {};
    item[r.method.toLowerCase()] = operation(r);
    paths[path] = item;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Suppression API (internal)',
      version: '1.0.0',
      // The repository has no licence file yet: say so rather than invent one. Set the project's
      // licence here (its SPDX identifier) when it has one.
      license: { name: 'No licence chosen yet', identifier: 'LicenseRef-no-licence-chosen-yet' },
      description:
        'Who must not be emailed, texted, or have their data sold or shared — and why. Internal: senders ' +
        'and campaign tools check here; operators add, lift, import and export entries. Every write is an ' +
        'event in the append-only ledger. Authentication: `Authorization: Bearer <token>`; tokens carry ' +
        'the scopes check, admin and/or send (API_TOKENS="token:check,token2:check+admin+send").',
    },
    servers: [
      opts.serverUrl
        ? { url: opts.serverUrl }
        : { url: '/', description: 'This API, where the document is served from (/openapi.json).' },
    ],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Scopes: check, admin, send.' },
      },
    },
    paths,
  };
}
