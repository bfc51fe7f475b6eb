import type { RouterInputs, RouterOutputs } from '../api/trpc';

type Yielded<T> = T extends AsyncIterable<infer U, unknown, unknown> ? U : never;

export type NotificationPage = RouterOutputs['notifications']['list'];
export type NotificationItem = NotificationPage['items'][number];
export type NotificationStats = RouterOutputs['notifications']['stats'];
/** The list's filters and paging (the input may be omitted altogether, hence the Exclude). */
export type NotificationListInput = Exclude<RouterInputs['notifications']['list'], void | undefined>;
/** One live message: `{ id, data }`, the id being what a resume sends back as lastEventId. */
export type TrackedNotificationEvent = Yielded<RouterOutputs['notifications']['onEvent']>;
export type NotificationEvent = TrackedNotificationEvent['data'];
