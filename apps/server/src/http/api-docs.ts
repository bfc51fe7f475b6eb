/**
 * GET /api/v1/docs: the API reference, Swagger UI rendering /api/v1/openapi.json, served from
 * node_modules (swagger-ui-dist), never from a CDN. The page gets a CSP of its own, as strict as
 * the app's but for Swagger UI's inline SVG images (data:) and nothing else: scripts only from here
 * (the start-up script is a file too), requests only to this site ("Try it out" included).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { REST_BASE } from './rest.js';

export const API_DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const DOCS = `${REST_BASE}/docs`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>PMS API reference</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${DOCS}/swagger-ui.css" />
  </head>
  <body>
    <div id="api"></div>
    <script src="${DOCS}/swagger-ui-bundle.js"></script>
    <script src="${DOCS}/start.js"></script>
  </body>
</html>
`;

const START = `window.ui = SwaggerUIBundle({
  url: '${REST_BASE}/openapi.json',
  dom_id: '#api',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
});
`;

/** Serves the page and its files; false for any other path (under /api/v1, without the base). */
export function apiDocs(): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  // Read once, on first use: the bundle is about 1.5 MB.
  const files = new Map<string, { type: string; body: () => Buffer | string }>([
    ['/docs', { type: 'text/html; charset=utf-8', body: () => PAGE }],
    ['/docs/start.js', { type: 'text/javascript; charset=utf-8', body: () => START }],
    ['/docs/swagger-ui.css', { type: 'text/css; charset=utf-8', body: () => readFileSync(join(dist, 'swagger-ui.css')) }],
    [
      '/docs/swagger-ui-bundle.js',
      { type: 'text/javascript; charset=utf-8', body: () => readFileSync(join(dist, 'swagger-ui-bundle.js')) },
    ],
  ]);
  const cache = new Map<string, Buffer | string>();
  return (req, res, path) => {
    const file = files.get(path);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    let body = cache.get(path);
    if (body === undefined) cache.set(path, (body = file.body()));
    res.setHeader('Content-Security-Policy', API_DOCS_CSP);
    res.writeHead(200, { 'content-type': file.type, 'cache-control': path === '/docs' ? 'no-cache' : 'public, max-age=3600' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
