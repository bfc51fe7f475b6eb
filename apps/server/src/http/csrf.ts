/**
 * Cross-site request forgery. A browser attaches the session cookie to requests that any site
 * makes, so an HTTP mutation (a POST) that is not authenticated by `Authorization: Bearer` (which
 * no other site can make a browser send) must come from the app's own origin or a CORS_ORIGINS
 * one, and be application/json: no HTML form and no fetch without a CORS preflight can send that.
 * Queries (GET) change nothing and stay open; WebSockets check Origin at the upgrade.
 */
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '@pms/api';
import type { Refusal } from './refuse.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Sec-Fetch-Site values of a request the user or the app itself made. */
const OWN_SITE = new Set(['same-origin', 'none']);

export function csrfRefusal(req: IncomingMessage, allowedOrigins: string[]): Refusal | null {
  if (SAFE_METHODS.has(req.method ?? 'GET') || /^Bearer\s/i.test(req.headers.authorization ?? '')) return null;
  const forbidden = (message: string): Refusal => ({ code: 'FORBIDDEN', message });
  const { origin } = req.headers;
  const site = req.headers['sec-fetch-site'];
  if (origin !== undefined) {
    if (!originAllowed(req, allowedOrigins)) return forbidden(`Requests from ${origin} may not change anything here`);
  } else if (site !== undefined) {
    if (!OWN_SITE.has(site)) return forbidden(`Requests from another site (Sec-Fetch-Site: ${site}) may not change anything here`);
  } else if (hasSessionCookie(req)) {
    // Every current browser sends Origin or Sec-Fetch-Site with a POST; what sends neither is no
    // browser, or one too old to tell us where the request came from. Programs use a Bearer token.
    return forbidden('A request with the session cookie must come from the app; other clients send Authorization: Bearer <token>');
  }
  const mediaType = req.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return forbidden(`Send calls that change data as application/json (not ${mediaType ?? 'without a content type'}), or with Authorization: Bearer`);
  }
  return null;
}

/** The app's own origin (the Host it was reached at) or a configured one; no Origin: not a browser. */
export function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser: it must authenticate with a token
  const host = req.headers.host;
  return origin === `http://${host}` || origin === `https://${host}` || allowed.includes(origin);
}

/** By name only: a malformed value still means a browser sent it along. */
function hasSessionCookie(req: IncomingMessage): boolean {
  return (req.headers.cookie ?? '').split(';').some((part) => part.split('=')[0]!.trim() === SESSION_COOKIE);
}
