import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@pms/db';
import { NONCE_PLACEHOLDER } from '../src/http/spa.js';
import { demo, startTestServer, type TestServer } from './support/server.js';

/** A stand-in for apps/web/dist, as a build with source maps would leave it. */
function builtSpa(): string {
  const dist = mkdtempSync(join(tmpdir(), 'pms-spa-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(
    join(dist, 'index.html'),
    `<!doctype html><meta property="csp-nonce" nonce="${NONCE_PLACEHOLDER}"><script type="module" src="/assets/app.js" nonce="${NONCE_PLACEHOLDER}"></script>`,
  );
  writeFileSync(join(dist, 'assets/app.js'), 'console.log("app");\n//# sourceMappingURL=app.js.map');
  writeFileSync(join(dist, 'assets/app.js.map'), '{"version":3,"sources":["../../src/secret.ts"]}');
  return dist;
}

let plain: TestServer; // production, reached over plain http
let proxied: TestServer; // behind a trusted TLS-terminating proxy
beforeAll(async () => {
  const WEB_DIST = builtSpa();
  [plain, proxied] = await Promise.all([
    startTestServer({ env: { NODE_ENV: 'production', WEB_DIST } }),
    startTestServer({ env: { NODE_ENV: 'production', WEB_DIST, TRUST_PROXY: '1' } }),
  ]);
});
afterAll(() => Promise.all([plain.close(), proxied.close()]));

const get = (server: TestServer, path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

function login(server: TestServer, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ json: { email: demo.alice, password: DEMO_PASSWORD } }),
  });
}

describe('security headers', () => {
  it('are on every response: the SPA, its files, the API, health and 404s', async () => {
    const responses = [
      await get(plain, '/'),
      await get(plain, '/goals/12'),
      await get(plain, '/assets/app.js'),
      await get(plain, '/assets/missing.js'),
      await get(plain, '/trpc/auth.me'),
      await login(plain),
      await get(plain, '/healthz'),
    ];
    for (const response of responses) {
      const csp = response.headers.get('content-security-policy');
      expect(csp, response.url).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('strict-transport-security')).toBeNull(); // plain http
    }
  });

  it('give each page a fresh nonce that only admits its own style elements', async () => {
    const pages = await Promise.all([get(plain, '/'), get(plain, '/notifications')]);
    const nonces = await Promise.all(
      pages.map(async (page) => {
        const html = await page.text();
        const nonce = html.match(/<meta property="csp-nonce" nonce="([^"]+)">/)?.[1];
        expect(html).not.toContain(NONCE_PLACEHOLDER);
        expect(page.headers.get('content-security-policy')).toContain(`style-src 'self' 'nonce-${nonce}'`);
        expect(page.headers.get('cache-control')).toBe('no-cache');
        return nonce;
      }),
    );
    expect(nonces[0]).toMatch(/^[\w+/]{22}==$/);
    expect(nonces[0]).not.toBe(nonces[1]);
    // The raw template is never served, by any name.
    for (const path of ['/index.html', '/index.html/', '/index']) expect(await (await get(plain, path)).text()).not.toContain(NONCE_PLACEHOLDER);
  });

  it('include Strict-Transport-Security only when a trusted proxy says the client used https', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    expect((await get(proxied, '/', https)).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect((await get(proxied, '/trpc/auth.me', { 'x-forwarded-proto': 'https, http' })).headers.get('strict-transport-security')).not.toBeNull();
    expect((await get(proxied, '/', { 'x-forwarded-proto': 'http' })).headers.get('strict-transport-security')).toBeNull();
    expect((await get(plain, '/', https)).headers.get('strict-transport-security')).toBeNull(); // anyone can send the header
  });
});

describe('the session cookie', () => {
  it('is Secure when the client used https, and not over plain http, so `npm start` on localhost signs in', async () => {
    expect((await login(plain)).headers.get('set-cookie')).not.toContain('Secure');
    expect((await login(plain, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).not.toContain('Secure');
    expect((await login(proxied, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).toContain('; Secure');
  });
});

describe('source maps', () => {
  it('are never served, by any spelling of their path', async () => {
    expect((await get(plain, '/assets/app.js')).status).toBe(200);
    for (const path of ['/assets/app.js.map', '/assets/app.js.map/', '/assets/app.js%2Emap', '/assets/app.js.%6Dap?x=1', '/assets/APP.JS.MAP']) {
      const response = await get(plain, path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('sources');
    }
  });
});
