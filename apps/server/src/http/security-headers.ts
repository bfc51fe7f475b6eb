/**
 * The security headers on every response (SPA, API, health), and how we tell that the client
 * used https: Strict-Transport-Security and the cookie's Secure flag depend on it, so that
 * `npm start` on http://localhost still signs in while a TLS deployment gets both.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Same-origin everything; no inline or foreign scripts, ever. Styles: the built stylesheet plus
 * the <style> elements Mantine injects, which carry the page's nonce (see spa.ts); Mantine's
 * style props go through the CSSOM, which CSP does not restrict. Images: the data: favicon.
 * connect-src 'self' covers the same host's ws:/wss: (CSP level 3). Frames: same-origin only, through
 * default-src (the Sent mail screen frames /admin/mail/<id>.html, which has a CSP of its own).
 */
export function contentSecurityPolicy(styleNonce?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${styleNonce ? ` 'nonce-${styleNonce}'` : ''}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

const HSTS = 'max-age=31536000; includeSubDomains';

/** TLS to us, or (only when proxies in front are trusted: TRUST_PROXY > 0) TLS to the first of them. */
export function isHttps(req: IncomingMessage, trustedProxies: number): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  if (trustedProxies === 0) return false;
  // A chain of proxies lists protocols client-first.
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, trustedProxies: number): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy());
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The SPA's fetch() POSTs still carry their Origin (the CSRF check reads it); the browser test checks.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY'); // frame-ancestors, for browsers without CSP 2
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  if (isHttps(req, trustedProxies)) res.setHeader('Strict-Transport-Security', HSTS);
}
