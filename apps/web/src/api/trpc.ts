import { createTRPCReact } from '@trpc/react-query';
// Types only: no server code reaches the browser bundle.
import type { AppRouter, RouterInputs, RouterOutputs } from '@pms/api';

export const trpc = createTRPCReact<AppRouter>();

export type { RouterInputs, RouterOutputs };
