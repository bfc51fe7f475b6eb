import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './root.js';

export { appRouter, type AppRouter } from './root.js';
export type { ApiDeps, ApiConfig, Context, Session, SessionUser, Transport } from './trpc.js';
export { SessionTokens } from './auth/tokens.js';
export { hashPassword } from './auth/password.js';
export { resolveSession, tokenFromHeaders, SESSION_COOKIE } from './auth/sessions.js';
export { Realtime } from './realtime/realtime.js';
export { POLICY_VIOLATION } from './realtime/connections.js';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
