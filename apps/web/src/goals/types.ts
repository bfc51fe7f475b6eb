import type { RouterOutputs } from '../api/trpc';

/** A goal as every list returns it, with the actions the caller may take on it. */
export type Goal = RouterOutputs['goals']['mine']['items'][number];
export type GoalWithHistory = RouterOutputs['goals']['byId'];
export type GoalHistoryEntry = GoalWithHistory['history'][number];
/** A direct report of the signed-in supervisor. */
export type Supervisee = RouterOutputs['users']['supervisees'][number];

type Yielded<T> = T extends AsyncIterable<infer U, unknown, unknown> ? U : never;
/** A live goal event: the goal as the server built it for me, after `action`. */
export type GoalEvent = Yielded<RouterOutputs['goals']['onEvent']>['data'];
