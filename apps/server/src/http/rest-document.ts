/**
 * The OpenAPI 3.1 document of GET /api/v1/openapi.json: the REST API from the procedures' meta,
 * inputs and outputs (trpc-to-openapi, zod-openapi), and the original deployment's paths
 * (compat/), marked deprecated, from their route table; the event stream and the original WebSocket.
 */
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { generateOpenApiDocument } from 'trpc-to-openapi';
import { z } from 'zod';
import { appRouter } from '@pms/api';
import { COMPAT_ROUTES } from './compat/routes.js';
import { compatSocketOpenApi } from './compat-ws.js';
import { liveEventsOpenApi } from './live-events.js';
import { REST_BASE } from './rest.js';

const TAGS = {
  auth: 'Signing in: a session token for a person (services use API keys instead).',
  notifications: "The caller's notifications: list, counts, read, delete; connection stats for operators.",
  goals: 'Goals and their workflow: create, submit, approve or reject, assign, accept or decline, progress, complete, cancel.',
  users: 'The organisation: people, their supervisors and permissions (administrators, and API keys with users:read).',
  publishing: 'Notifications from the PMS’s other modules: publish now or at a time, idempotently; read back what became of them.',
  'notification-types': 'The registry of notification types: the category decides which preferences apply, the label is what the app shows.',
  streams: 'Live events: Server-Sent Events in plain JSON, and tickets for the original WebSocket protocol.',
  'api-keys': 'Services’ API keys (administrators): create, rename and rescope, rotate, revoke.',
  reports: 'Reports on notifications and goals, over the organisation (administrators) or a supervisor’s team.',
  compatibility: "The original deployment's API, kept for its clients; new code uses /api/v1.",
};

const DESCRIPTION = `The goals and notifications of the performance-management system, in plain JSON.

Authenticate every call with \`Authorization: Bearer <token>\`: a session token (what \`auth.login\` returns) for a person,
or an API key (\`pms_…\`) for a service, which opens only the operations of its scopes. Dates are ISO 8601 strings.
Errors answer \`{ "message", "code", "issues"? }\`: bad input is 400 and each issue names its field, no credential 401,
not allowed 403, not found (or not yours) 404, a change that lost a race 409.`;

const detail = z.object({ detail: z.string().describe('What is wrong') });

function compatPaths(publicUrl: string): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of COMPAT_ROUTES) {
    const errors = Object.fromEntries(
      [
        [401, 'No or an expired session'],
        [403, 'Not allowed'],
        [404, 'Not found'],
        [422, 'The input does not validate'],
      ].map(([status, description]) => [status, { description: String(description), content: { 'application/json': { schema: detail } } }]),
    );
    paths[route.path] = {
      ...paths[route.path],
      // These paths are not under the document's server (/api/v1): the site's root.
      servers: [{ url: publicUrl }],
      [route.method.toLowerCase()]: {
        operationId: `compat-${route.method.toLowerCase()}-${route.path.replace(/[^a-z]+/gi, '-').replace(/^-|-$/g, '')}`,
        tags: ['compatibility'],
        summary: route.summary,
        description: TAGS.compatibility,
        deprecated: true,
        security: [{ bearer: [] }],
        requestParams: {
          ...(route.path.includes('{id}') && { path: z.object({ id: z.number().int().positive() }) }),
          ...(route.query && { query: route.query }),
        },
        ...(route.body && { requestBody: { content: { 'application/json': { schema: route.body } } } }),
        responses: { 200: { description: 'Done', content: { 'application/json': { schema: route.response } } }, ...errors },
      },
    };
  }
  return paths;
}

export function openApiDocument(publicUrl: string) {
  const document = generateOpenApiDocument(appRouter, {
    title: 'PMS goals and notifications API',
    description: DESCRIPTION,
    version: '1.0.0',
    baseUrl: `${publicUrl}${REST_BASE}`,
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'A session token (auth.login) or an API key (`pms_…`)' },
    },
    paths: compatPaths(publicUrl),
  });
  return {
    ...document,
    // The streams served beside the procedures: plain-JSON SSE, and the original WebSocket.
    paths: { ...document.paths, ...liveEventsOpenApi, ...compatSocketOpenApi(publicUrl) },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
  };
}
