/**
 * The built SPA: its files through sirv, and index.html (also for every client-side route) with a
 * fresh CSP nonce per response, which Mantine puts on the <style> elements it injects.
 * Source maps are never served, even from a build that emitted them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';
import { contentSecurityPolicy } from './security-headers.js';

/** What vite.config.ts's `html.cspNonce` writes into index.html, replaced per response. */
export const NONCE_PLACEHOLDER = '__PMS_CSP_NONCE__';

const SOURCE_MAP = /\.map$/i;
/** A path naming a file (`/assets/x.js`) gets a 404 when missing, not the app. */
const FILE_PATH = /\/[^/]*\.\w+$/;

/** The handler for everything that is not the API; null when the SPA is not built. */
export function spaHandler(dist: string): ((req: IncomingMessage, res: ServerResponse) => void) | null {
  const indexFile = join(dist, 'index.html');
  if (!existsSync(indexFile)) return null;
  const template = readFileSync(indexFile, 'utf8');
  // No `extensions`: `/` and `/index` fall through to sendIndex instead of the raw template.
  const files = sirv(dist, { etag: true, gzip: true, extensions: [] });

  function sendIndex(res: ServerResponse) {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(template.replaceAll(NONCE_PLACEHOLDER, nonce));
  }

  return (req, res) => {
    // sirv ignores a trailing slash: `/x.js.map/` and `/index.html/` name those files too.
    const path = decodedPath(req.url ?? '/').replace(/\/+$/, '');
    if (SOURCE_MAP.test(path)) return notFound(res);
    if (path === '/index.html') return sendIndex(res);
    files(req, res, () => (FILE_PATH.test(path) ? notFound(res) : sendIndex(res)));
  };
}

/** The path as sirv resolves it (percent-decoded), so `%2Emap` cannot slip past the check. */
function decodedPath(url: string): string {
  const path = url.split('?')[0]!;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function notFound(res: ServerResponse) {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
}
