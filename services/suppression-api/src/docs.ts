// The API reference at /docs: Redoc's standalone bundle (from the `redoc` npm package, served by
// this API itself, so the page needs no CDN) rendering /openapi.json.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyReply } from 'fastify';
import type { Register } from './app';
import { routes } from './spec';

const DOCS_BUNDLE_PATH = '/docs/redoc.standalone.js';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Suppression API reference</title>
<style>body { margin: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<noscript>The reference needs JavaScript; the OpenAPI document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<script src="${DOCS_BUNDLE_PATH}"></script>
</body>
</html>
`;

export function registerDocsRoutes(register: Register): void {
  let bundle: Promise<Buffer> | undefined;
  const read = () => {
    bundle ??= readFile(createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js'));
    return bundle;
  };
  register(routes.docs, async (_input, _req, reply: FastifyReply) => {
    reply.type('text/html; charset=utf-8');
    // Only this API: Redoc's "by Redocly" logo (a CDN image) is not fetched, nothing else is.
    reply.header(
      'content-security-policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; " +
        "font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    return PAGE;
  });
  register(routes.docsBundle, async (_input, _req, reply: FastifyReply) => {
    reply.type('application/javascript; charset=utf-8');
    reply.header('cache-control', 'public, max-age=86400');
    return reply.send(await read());
  });
}
