/**
 * Property: whatever input arrives, at whichever procedure, from whoever, the server never
 * answers 500 and a call that fails changes nothing. Every procedure of the app router is
 * enumerated (a new one is covered without edits); inputs come from its own zod schema, mutated
 * and hostile (support/hostile-inputs.ts). Queries and mutations go over HTTP through a real
 * tRPC client and as raw bodies; subscriptions over WebSocket; and odd HTTP requests and odd
 * WebSocket frames, as no client would make them, for the layers in front of the procedures.
 *
 * A failure prints fast-check's seed and path; replay with PROPERTY_SEED=<seed>.
 */
import fc from 'fast-check';
import { createTRPCUntypedClient, createWSClient, httpLink, TRPCClientError, wsLink, type TRPCUntypedClient } from '@trpc/client';
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRouter, openSession } from '@pms/api';
import { DEMO_USERS } from '@pms/db';
import type { GoalStatus } from '@pms/shared';
import { databaseFingerprint } from './support/fingerprint.js';
import { aliceGoals, goalIn, signInAll } from './support/goals.js';
import { inputSchema, inputsFor, oddFrame, oddRequest, rawBody, toJson, type OddRequest } from './support/hostile-inputs.js';
import { FrameExchange } from './support/frame-exchange.js';
import { demo, startTestServer, type TestServer } from './support/server.js';

const RUNS = 400;
/** The admin, a supervisor, a plain member (the supervisor's report) and nobody. */
const IDENTITIES = ['admin', 'sam', 'alice', 'anonymous'] as const;
type Identity = (typeof IDENTITIES)[number];
const SIGNED_IN = ['admin', 'sam', 'alice'] as const;

interface Caller {
  token: string | null;
  http: TRPCUntypedClient<AnyRouter>;
  ws: TRPCUntypedClient<AnyRouter>;
  closeSocket(): Promise<void>;
}

// At runtime `_def.procedures` is flat, path to procedure ('auth.login'); its type is the nested record.
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  parser: procedure._def.inputs[0] as { safeParse(input: unknown): { success: boolean } } | undefined,
  schema: inputSchema(procedure._def.inputs),
}));
type Procedure = (typeof procedures)[number];
const byPath = new Map(procedures.map((procedure) => [procedure.path, procedure]));

let server: TestServer;
let fingerprint: () => Promise<string>;
const callers = {} as Record<Identity, Caller>;
const rawSockets: Partial<Record<Identity, FrameExchange>> = {};

/** A session as signing in opens one, without a password check: login throttling must not matter here. */
async function openSessionOf(identity: Exclude<Identity, 'anonymous'>): Promise<string> {
  const user = await server.db.selectFrom('users').select('id').where('email', '=', demo[identity]).executeTakeFirstOrThrow();
  return (await openSession(server.db, server.app.deps.tokens, user.id)).token;
}

async function connect(identity: Identity): Promise<void> {
  await callers[identity]?.closeSocket();
  const token = identity === 'anonymous' ? null : await openSessionOf(identity);
  const http = createTRPCUntypedClient<AnyRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson, headers: token ? { authorization: `Bearer ${token}` } : {} })],
  });
  const socket = createWSClient({
    url: `${server.url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: token ? { token } : null,
  });
  const ws = createTRPCUntypedClient<AnyRouter>({ links: [wsLink({ client: socket, transformer: superjson })] });
  callers[identity] = { token, http, ws, closeSocket: () => socket.close() };
}

beforeAll(async () => {
  server = await startTestServer();
  fingerprint = await databaseFingerprint(server.db);
  await Promise.all(IDENTITIES.map(connect));
  // Goals in every status, so that generated ids (small ones mostly) reach the workflow's rules.
  const families = aliceGoals(await signInAll(server.url));
  for (const family of Object.values(families)) {
    for (const status of Object.keys(family.reach) as GoalStatus[]) await goalIn(family, status);
  }
});
afterAll(async () => {
  for (const socket of Object.values(rawSockets)) socket.close();
  await Promise.all(Object.values(callers).map((caller) => caller.closeSocket()));
  await server.close();
});

interface Outcome {
  ok: boolean;
  code?: string;
  status?: number;
}

function failed(error: unknown): Outcome {
  if (!(error instanceof TRPCClientError)) throw error; // the client itself broke: a finding too
  const response = (error.meta as { response?: { status?: number } } | undefined)?.response;
  return { ok: false, code: error.data?.code, status: error.data?.httpStatus ?? response?.status };
}

/** Whether the client's superjson sends `input`: it refuses `__proto__`, `constructor` and `prototype` keys. */
function clientSends(input: unknown): boolean {
  try {
    superjson.serialize(input);
    return true;
  } catch {
    return false;
  }
}

async function viaClient(caller: Caller, procedure: Procedure, input: unknown): Promise<Outcome> {
  // What the client will not send, an attacker still can: as a raw body.
  if (!clientSends(input)) return viaRawRequest(caller, procedure, { json: input });
  if (procedure.type !== 'subscription') {
    const call = procedure.type === 'query' ? caller.http.query(procedure.path, input) : caller.http.mutation(procedure.path, input);
    return call.then(() => ({ ok: true }), failed);
  }
  // Started (then stopped at once) or refused: either way the server answers.
  return new Promise((resolve) => {
    const subscription = caller.ws.subscription(procedure.path, input, {
      onStarted: () => {
        subscription.unsubscribe();
        resolve({ ok: true });
      },
      onData: () => {},
      onError: (error: unknown) => resolve(failed(error)),
    });
  });
}

/** A body the client would never send, past superjson's and tRPC's parsing of it. */
async function viaRawRequest(caller: Caller, procedure: Procedure, body: unknown): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  const url = `${server.url}/trpc/${procedure.path}`;
  const json = toJson(body);
  const response =
    procedure.type === 'query'
      ? await fetch(`${url}?input=${encodeURIComponent(json)}`, { headers })
      : await fetch(url, { method: 'POST', headers, body: json });
  const text = await response.text();
  const code = response.ok ? undefined : (JSON.parse(text) as { error?: { json?: { data?: { code?: string } } } }).error?.json?.data?.code;
  return { ok: response.ok, code, status: response.status };
}

/** A request no client would make; a streamed answer (Server-Sent Events) is judged by its status alone. */
async function viaOddRequest(caller: Caller, request: OddRequest): Promise<Outcome> {
  const headers = { ...request.headers, ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}) };
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const response = await fetch(`${server.url}/trpc/${request.path}${request.search}`, {
    method: request.method,
    headers,
    body: hasBody ? request.body : undefined,
  });
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { ok: response.ok, status: response.status };
  }
  const text = await response.text();
  return { ok: response.ok, status: response.status, code: text.includes('"INTERNAL_SERVER_ERROR"') ? 'INTERNAL_SERVER_ERROR' : undefined };
}

/**
 * A frame no client would send, over the identity's own raw socket. Only the server's prompt
 * answers are judged here (slower ones with a later frame's), so data is not compared.
 */
async function viaOddFrame(identity: Identity, frame: string): Promise<Outcome> {
  let socket = rawSockets[identity];
  if (!socket?.open) socket = rawSockets[identity] = await FrameExchange.open(server.url, callers[identity].token);
  const answers = await socket.exchange(frame);
  expect(socket.closeCode, 'the server closed the socket with an internal error').not.toBe(1011);
  // A subscription the frame started holds one of the socket's slots: start afresh.
  if (answers.some((answer) => answer.includes('"started"'))) socket.close();
  const internal = answers.find((answer) => answer.includes('"INTERNAL_SERVER_ERROR"'));
  return { ok: true, code: internal && 'INTERNAL_SERVER_ERROR' };
}

/** Inputs that would try a password: login throttling is another test's business. */
function triesPassword(procedure: Procedure, input: unknown): boolean {
  return procedure.path === 'auth.login' && procedure.parser!.safeParse(input).success;
}

function deserialized(body: unknown): unknown {
  try {
    return superjson.deserialize(body as never);
  } catch {
    return undefined;
  }
}

type Call =
  | ({ identity: Identity; path: string } & ({ raw: false; input: unknown } | { raw: true; body: unknown }))
  | { identity: Identity; path: 'odd request'; request: OddRequest }
  | { identity: Identity; path: 'odd frame'; frame: string };

const identity = fc.constantFrom(...IDENTITIES);
const call: fc.Arbitrary<Call> = fc.oneof(
  ...procedures.map((procedure) => ({
    weight: 3,
    arbitrary: fc.record({ identity, path: fc.constant(procedure.path), raw: fc.constant(false as const), input: inputsFor(procedure.schema) }),
  })),
  ...procedures
    .filter((procedure) => procedure.type !== 'subscription')
    .map((procedure) => ({
      weight: 1,
      arbitrary: fc.record({ identity, path: fc.constant(procedure.path), raw: fc.constant(true as const), body: rawBody }),
    })),
  { weight: 4, arbitrary: fc.record({ identity, path: fc.constant('odd request' as const), request: oddRequest(procedures.map((p) => p.path)) }) },
  // Not auth.logout: it would end the session the identity's other calls use.
  {
    weight: 4,
    arbitrary: fc.record({
      identity,
      path: fc.constant('odd frame' as const),
      frame: oddFrame(procedures.map((p) => p.path).filter((path) => path !== 'auth.logout')),
    }),
  },
);

/** Keeps the identities active, with their demo permissions and signed in, whatever the admin's generated calls did to them. */
async function restoreIdentities(): Promise<void> {
  for (const identity of SIGNED_IN) {
    const { permissions } = DEMO_USERS.find((user) => user.email === demo[identity])!;
    await server.db.updateTable('users').set({ active: true, permissions }).where('email', '=', demo[identity]).execute();
    const signedIn = await callers[identity].http.query('auth.me').then(() => true, () => false);
    if (!signedIn) await connect(identity);
  }
}

it('no input reaches a 500, and a call that fails changes nothing', async () => {
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
  const seed = Number(process.env.PROPERTY_SEED) || Date.now() % 2 ** 31;
  await fc.assert(
    fc.asyncProperty(call, async (generated) => {
      const caller = callers[generated.identity];
      const before = await fingerprint();
      let outcome: Outcome;
      if ('request' in generated) {
        outcome = await viaOddRequest(caller, generated.request);
      } else if ('frame' in generated) {
        outcome = await viaOddFrame(generated.identity, generated.frame);
      } else {
        const procedure = byPath.get(generated.path)!;
        fc.pre(!(procedure.path === 'auth.logout' && generated.identity !== 'anonymous'));
        fc.pre(!triesPassword(procedure, generated.raw ? deserialized(generated.body) : generated.input));
        // Subscriptions go over the client's WebSocket only (over HTTP they would be Server-Sent Events).
        fc.pre(procedure.type !== 'subscription' || generated.raw || clientSends(generated.input));
        outcome = generated.raw ? await viaRawRequest(caller, procedure, generated.body) : await viaClient(caller, procedure, generated.input);
      }

      expect(outcome.code, `${generated.path} answered`).not.toBe('INTERNAL_SERVER_ERROR');
      expect(outcome.status ?? 0, `${generated.path} answered`).toBeLessThan(500);
      if (!outcome.ok) expect(await fingerprint(), `${generated.path} failed with ${outcome.code} yet changed data`).toBe(before);
      expect(Object.getOwnPropertyNames(Object.prototype), 'Object.prototype was polluted').toEqual(prototypeKeys);

      // An odd request may have signed its caller out (auth.logout), a users.* mutation changed an identity.
      const mayChangeIdentities = 'request' in generated || (generated.path.startsWith('users.') && byPath.get(generated.path)!.type === 'mutation');
      if (outcome.ok && mayChangeIdentities) await restoreIdentities();
    }),
    { numRuns: RUNS, seed },
  );
}, 60_000);
