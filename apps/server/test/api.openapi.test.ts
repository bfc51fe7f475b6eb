/**
 * The OpenAPI document: valid OpenAPI 3.1 (@seriousme/openapi-schema-validator), naming every
 * REST procedure and the original deployment's paths, each of which answers; real answers match
 * its response schemas (ajv, dates as date-time strings); and the reference page renders it
 * under a CSP of its own.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { AnyProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@pms/api';
import { API_DOCS_CSP } from '../src/http/api-docs.js';
import { jsonClient } from './support/rest.js';
import { login, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let document: any;

beforeAll(async () => {
  server = await startTestServer();
  document = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
});
afterAll(() => server?.close());

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );

describe('the document', () => {
  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('names every REST procedure, and each operation has a tag, a summary and the bearer scheme', () => {
    const procedures = Object.values(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).flatMap((procedure) => {
      const openapi = (procedure._def.meta as { openapi?: { method: string; path: string } } | undefined)?.openapi;
      return openapi ? [`${openapi.method} ${openapi.path}`] : [];
    });
    const documented = operations().map(({ method, path }) => `${method} ${path}`);
    expect(procedures.length).toBeGreaterThanOrEqual(26); // auth 1, notifications 6, goals 16, users 3
    expect(documented).toEqual(expect.arrayContaining(procedures));
    for (const { path, operation } of operations()) {
      expect(operation.tags).toHaveLength(1);
      expect(operation.summary).toBeTruthy();
      // Signing in needs no credential; the original WebSocket takes a ticket in its URL instead.
      if (path !== '/auth/login' && path !== '/api/notifications/ws') expect(operation.security, path).toEqual([{ bearer: [] }]);
    }
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.tags.map((tag: any) => tag.name)).toEqual([
      'auth',
      'notifications',
      'goals',
      'users',
      'publishing',
      'notification-types',
      'streams',
      'api-keys',
      'reports',
      'compatibility',
    ]);
    const tagged = new Set(operations().map(({ operation }) => operation.tags[0]));
    expect([...tagged].sort()).toEqual(document.tags.map((tag: any) => tag.name).sort());
  });

  it("documents the original deployment's paths as deprecated, at the site's root", () => {
    const compat = operations().filter(({ operation }) => operation.tags[0] === 'compatibility');
    expect(compat.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(
      [
        'GET /api/notifications',
        'GET /api/notifications/stats',
        'PUT /api/notifications/{id}/read',
        'PUT /api/notifications/mark-all-read',
        'DELETE /api/notifications/{id}',
        'GET /api/notifications/connection-stats',
        'POST /api/goals/assign',
        'PUT /api/goals/{id}/approve',
        'PUT /api/goals/{id}/reject',
        'PUT /api/goals/{id}/accept',
        'PUT /api/goals/{id}/decline',
        'GET /api/goals/supervisee-goals',
        'GET /api/goals/pending-approval',
        'GET /api/notifications/ws',
      ].sort(),
    );
    for (const { path, operation } of compat) {
      expect(operation.deprecated).toBe(true);
      expect(document.paths[path].servers).toEqual([{ url: new URL(document.servers[0].url).origin }]);
    }
  });

  it('has no path that is not served: each asks for a credential', async () => {
    for (const { path, method, operation } of operations().filter((op) => op.path !== '/auth/login')) {
      const compat = operation.tags[0] === 'compatibility';
      const url = `${server.url}${compat ? '' : '/api/v1'}${path.replace('{id}', '1')}`;
      const response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json' },
        body: ['GET', 'DELETE'].includes(method) ? undefined : '{}',
      });
      // The original's paths check their query first, as FastAPI did; its socket wants an upgrade.
      const expected = path === '/api/notifications/ws' ? [426] : [401, ...(compat ? [422] : [])];
      expect(expected, `${method} ${path}`).toContain(response.status);
    }
  });
});

describe('real answers', () => {
  it('match the response schemas of the document', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi');
    const check = async (method: string, path: string, response: Promise<{ status: number; body: unknown }>) => {
      const { status, body } = await response;
      expect(status, `${method} ${path}`).toBe(200);
      const pointer = ['paths', path, method.toLowerCase(), 'responses', '200', 'content', 'application/json', 'schema']
        .map((part) => encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1')))
        .join('/');
      const validate = ajv.getSchema(`openapi#/${pointer}`)!;
      expect(validate(body) ? [] : validate.errors, `${method} ${path}`).toEqual([]);
    };
    const alice = jsonClient(`${server.url}/api/v1`, (await login(server.url, 'alice@demo.pms')).token);
    const sam = jsonClient(`${server.url}/api/v1`, (await login(server.url, 'sam@demo.pms')).token);
    const admin = jsonClient(`${server.url}/api/v1`, (await login(server.url, 'admin@demo.pms')).token);
    const goal = (
      await alice.post('/goals', { type: 'INDIVIDUAL', title: 'Match the document', dueDate: `${new Date().getUTCFullYear()}-12-31` })
    ).body;
    await check('POST', '/goals/{id}/approve', sam.post(`/goals/${goal.id}/approve`));
    await check('GET', '/goals/{id}', alice.get(`/goals/${goal.id}`));
    await check('GET', '/goals/mine', alice.get('/goals/mine'));
    await check('GET', '/goals/organisational', alice.get('/goals/organisational'));
    await check('GET', '/notifications', alice.get('/notifications'));
    await check('GET', '/notifications/stats', alice.get('/notifications/stats'));
    const notification = (await alice.get('/notifications')).body.items[0];
    await check('POST', '/notifications/{id}/read', alice.post(`/notifications/${notification.id}/read`));
    await check('POST', '/notifications/read-all', alice.post('/notifications/read-all'));
    await check('GET', '/notifications/connection-stats', admin.get('/notifications/connection-stats'));
    await check('GET', '/users', admin.get('/users'));
    const original = jsonClient(server.url, (await login(server.url, 'sam@demo.pms')).token);
    await check('GET', '/api/goals/supervisee-goals', original.get('/api/goals/supervisee-goals'));
    await check('GET', '/api/notifications', original.get('/api/notifications'));
    await check('GET', '/api/notifications/stats', original.get('/api/notifications/stats'));
  });
});

describe('the reference page', () => {
  it('is served with its scripts from this site, under its own CSP', async () => {
    const page = await fetch(`${server.url}/api/v1/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(API_DOCS_CSP);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((match) => match[1]!);
    expect(sources).toEqual(['/api/v1/docs/swagger-ui.css', '/api/v1/docs/swagger-ui-bundle.js', '/api/v1/docs/start.js']);
    for (const source of sources) {
      const file = await fetch(`${server.url}${source}`);
      expect(file.status, source).toBe(200);
      expect((await file.arrayBuffer()).byteLength, source).toBeGreaterThan(100);
    }
    expect(await (await fetch(`${server.url}/api/v1/docs/start.js`)).text()).toContain("url: '/api/v1/openapi.json'");
  });
});
