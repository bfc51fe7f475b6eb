/**
 * `/unsubscribe?token=…`, the link every email carries: it works without a session (the token is
 * signed, channels/mail/unsubscribe.ts). GET only shows what would stop, with a button, because
 * mail scanners open links by themselves; POST applies it, from that button or straight from a
 * mail client's one-click unsubscribe (RFC 8058: `List-Unsubscribe=One-Click`, form-encoded).
 * Not under /trpc, so the CSRF rule for calls does not apply: a forged request would need the
 * person's token, and the only thing it can do is what the link's owner asked for.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { databaseFault, readUnsubscribeToken, unsubscribe, type ApiDeps, type UnsubscribeScope } from '@pms/api';
import { contentSecurityPolicy } from './security-headers.js';

/** The form a one-click POST sends is one field; anything much larger is not one. */
const MAX_BODY_BYTES = 4096;
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

const STYLE = `body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;background:#f1f3f5;color:#212529;margin:0;padding:48px 16px}
main{background:#fff;border-radius:8px;margin:0 auto;max-width:480px;padding:24px 32px}
p.brand{color:#1c7ed6;font-size:13px;font-weight:600;letter-spacing:.5px;text-transform:uppercase}
button{background:#1c7ed6;border:0;border-radius:6px;color:#fff;cursor:pointer;font-size:15px;font-weight:600;padding:10px 18px}`;

interface Page {
  status: number;
  title: string;
  paragraphs: string[];
  /** The one-click form (its token), on the GET page only. */
  formToken?: string;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function send(res: ServerResponse, page: Page, headers: Record<string, string> = {}): void {
  // The page's one <style> carries a nonce made for this response, as the SPA's do (spa.ts).
  const nonce = randomBytes(16).toString('base64');
  const form = page.formToken
    ? `<form method="post" action="?token=${escape(encodeURIComponent(page.formToken))}">` +
      '<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>'
    : '';
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${escape(page.title)} · PMS Goals</title><style nonce="${nonce}">${STYLE}</style></head>` +
    `<body><main><p class="brand">PMS Goals</p><h1>${escape(page.title)}</h1>${page.paragraphs.map((p) => `<p>${p}</p>`).join('')}${form}</main></body></html>`;
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce));
  res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(html);
}

/** "emails about goals", "the morning email of goals waiting for your decision". */
function whatStops(scope: UnsubscribeScope): string {
  return 'category' in scope ? `emails about ${scope.category}` : 'the morning email of goals waiting for your decision';
}

const invalid: Page = {
  status: 400,
  title: 'This link is not valid',
  paragraphs: ['This unsubscribe link is incomplete or was changed. Use the link from the email itself, or change what you get in the app’s notification preferences.'],
};

/** Reads at most MAX_BODY_BYTES of the body; null when it is longer. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Whether the body is the one-click form (`List-Unsubscribe=One-Click`), form-encoded or multipart. */
async function isOneClick(req: IncomingMessage, body: Buffer): Promise<boolean> {
  const contentType = req.headers['content-type'] ?? '';
  if (!FORM_TYPES.has(contentType.split(';')[0]!.trim().toLowerCase())) return false;
  try {
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
    return form.get('List-Unsubscribe') === 'One-Click';
  } catch {
    return false; // a malformed multipart body
  }
}

export function unsubscribeHandler(deps: Pick<ApiDeps, 'db' | 'config' | 'log'>) {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (!['GET', 'HEAD', 'POST'].includes(method)) {
      return send(res, { status: 405, title: 'Not allowed', paragraphs: [`${escape(method)} is not allowed here: open the link, or POST the one-click form.`] }, { allow: 'GET, HEAD, POST' });
    }
    const token = new URL(req.url ?? '/', 'http://unsubscribe.invalid').searchParams.get('token');
    const named = token ? readUnsubscribeToken(deps.config, token) : null;
    const person = named && (await deps.db.selectFrom('users').select('email').where('id', '=', named.userId).executeTakeFirst());
    if (!named || !person || !token) return send(res, invalid);
    const what = whatStops(named.scope);
    const address = `<strong>${escape(person.email)}</strong>`;
    const preferences = `<a href="${escape(deps.config.publicUrl)}/settings/notifications">notification preferences</a>`;

    if (method !== 'POST') {
      // Changes nothing: mail scanners and link previews open links on their own.
      return send(res, {
        status: 200,
        title: 'Unsubscribe?',
        paragraphs: [`Stop sending ${escape(what)} to ${address}? Notifications in the app are not affected.`],
        formToken: token,
      });
    }
    const body = await readBody(req);
    if (!body) return send(res, { status: 413, title: 'Request too large', paragraphs: ['An unsubscribe request is one short form field.'] });
    if (!(await isOneClick(req, body))) {
      return send(res, {
        status: 400,
        title: 'Nothing was changed',
        paragraphs: ['An unsubscribe request must send the form field List-Unsubscribe=One-Click (form-encoded). Open the link from the email and use its button.'],
      });
    }
    await unsubscribe(deps.db, named.userId, named.scope);
    send(res, {
      status: 200,
      title: 'You are unsubscribed',
      paragraphs: [`You will no longer get ${escape(what)} at ${address}. You can turn them on again in your ${preferences}.`],
    });
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      const fault = databaseFault(error);
      if (fault) deps.log.warn({ err: error }, 'unsubscribe: database unavailable');
      else deps.log.error({ err: error }, 'unsubscribe failed');
      if (res.headersSent) return void res.destroy();
      send(res, { status: fault ? 503 : 500, title: 'Please try again', paragraphs: ['Something went wrong on our side and nothing was changed. Try the link again in a moment.'] });
    });
  };
}
