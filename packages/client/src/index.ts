/**
 * The typed client for TypeScript services: the tRPC client, authenticated with an API key, typed
 * from the server's router. Only the procedures the key's scopes open will answer (others: 403).
 *
 *   const pms = createPmsClient({ url: 'https://pms.example.com', apiKey: process.env.PMS_API_KEY! });
 *   await pms.notifications.publish.mutate({ recipients: ['ada@example.com'], type: 'INITIATIVE_ASSIGNED', title, message });
 */
import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
// Types only: the client carries none of the server's code.
import type { AppRouter, RouterInputs, RouterOutputs } from '@pms/api';

export type PmsClient = TRPCClient<AppRouter>;
export type PmsInputs = RouterInputs;
export type PmsOutputs = RouterOutputs;
export { TRPCClientError };

export interface PmsClientOptions {
  /** The service's address, e.g. `https://pms.example.com` (tRPC answers under `/trpc`). */
  url: string;
  /** An API key (`pms_…`) from an administrator, holding the scopes the calls need. */
  apiKey: string;
  /** Another fetch (a proxy, a test double); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

export function createPmsClient(options: PmsClientOptions): PmsClient {
  if (!options.apiKey.startsWith('pms_')) throw new Error('createPmsClient: apiKey must be an API key (it starts with pms_)');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.url.replace(/\/+$/, '')}/trpc`,
        transformer: superjson,
        headers: { authorization: `Bearer ${options.apiKey}` },
        ...(options.fetch && { fetch: options.fetch }),
      }),
    ],
  });
}
