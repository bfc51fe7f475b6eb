/**
 * `GET /admin/mail/<id>.html`: a kept mail's HTML for the administrators' Sent mail screen, which
 * shows it in a sandboxed <iframe>. Emails style themselves inline, which the SPA's CSP forbids,
 * so this page has a CSP of its own: no scripts, no requests but images, inline styles, framed
 * only by our own pages, and sandboxed even when opened directly.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasPermission, resolveSession, tokenFromHeaders, type ApiDeps } from '@pms/api';

const MAIL_PATH = /^\/admin\/mail\/([^/]+)\.html$/;
const MAIL_ID = /^[1-9]\d{0,15}$/;

export const MAIL_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; sandbox";

/** The mail id a path names, or null when the path is not a mail preview. */
export function mailPreviewPath(path: string): string | null {
  return MAIL_PATH.exec(path)?.[1] ?? null;
}

function plain(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(message);
}

export async function serveMailPreview(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Only GET');
  const session = await resolveSession(deps.db, deps.tokens, tokenFromHeaders(req.headers));
  if (!session) return plain(res, 401, 'Sign in to continue');
  if (!hasPermission(session.user, 'admin')) return plain(res, 403, 'Only administrators may read sent mail');
  const mail = MAIL_ID.test(id)
    ? await deps.db.selectFrom('mail_messages').select('html').where('id', '=', Number(id)).executeTakeFirst()
    : undefined;
  if (!mail) return plain(res, 404, `No mail ${id}`);
  res.setHeader('Content-Security-Policy', MAIL_PREVIEW_CSP);
  res.setHeader('X-Frame-Options', 'SAMEORIGIN'); // frame-ancestors, for browsers without CSP 2
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'private, no-store' });
  res.end(req.method === 'HEAD' ? undefined : mail.html);
}
