import type { ServerResponse } from 'node:http';
import { TRPCError, transformTRPCResponse, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { appRouter } from '@pms/api';

export interface Refusal {
  code: TRPC_ERROR_CODE_KEY;
  message: string;
}

/**
 * Answers a request that tRPC never sees with the body tRPC itself would send (through the app's
 * error formatter and transformer), so every tRPC client reads its code and message.
 */
export function refuse(res: ServerResponse, { code, message }: Refusal): void {
  const error = new TRPCError({ code, message });
  const httpStatus = getHTTPStatusCodeFromError(error);
  const config = appRouter._def._config;
  const shape = config.errorFormatter({
    error,
    type: 'unknown',
    path: undefined,
    input: undefined,
    ctx: undefined,
    shape: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus } },
  });
  res.writeHead(httpStatus, { 'content-type': 'application/json' });
  res.end(JSON.stringify(transformTRPCResponse(config, { error: shape })));
}
