/**
 * The one way to serve a resumable subscription to a user's event stream (see events.ts), for
 * one registered topic (topics.ts):
 *
 *   onEvent: authedProcedure.input(onEventInput).subscription(({ ctx, input, signal }) =>
 *     streamUserEvents(ctx, { topic: goalTopic, lastEventId: input?.lastEventId, signal }))
 *
 * Each message is yielded as `tracked(String(seq), message)`; tRPC clients resend the last id
 * as `lastEventId` when they reconnect, and get everything after it exactly once, in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { tracked, TRPCError, type TrackedEnvelope } from '@trpc/server';
import { z } from 'zod';
import { plainText } from '@pms/shared';
import { databaseFault } from '../lib/database-faults.js';
import type { ApiDeps, Session, Transport } from '../trpc.js';
import type { StoredUserEvent } from './stored-events.js';
import type { Subscriber } from './subscriber.js';
import type { Topic } from './topics.js';

export type { StoredUserEvent } from './stored-events.js';

/** The input of every `onEvent` subscription served by streamUserEvents. */
export const onEventInput = z
  .object({
    /** The id of the last event received; tRPC clients fill it in when they reconnect. */
    lastEventId: plainText('lastEventId').max(20, { error: 'lastEventId must be at most 20 characters' }).nullish(),
  })
  .optional();

/** Events per database read while catching up. */
const READ_PAGE = 100;
/** How long a subscription waits to read again after a database fault (a restart, a failover). */
const DATABASE_RETRY_MS = 1000;

export interface StreamUserEventsOptions<T> {
  /** Registered with the process's Realtime (topics.ts); its `message` makes what is sent. */
  topic: Topic<T>;
  /** The id of the last message the client has; omitted or null: start from now. */
  lastEventId?: string | null;
  signal?: AbortSignal;
}

/**
 * Yields the caller's events of one topic: first those after `lastEventId` (from the
 * database), then live ones (from the hub), with nothing missed, nothing doubled, in order.
 * Ends when `signal` aborts. Over a registered connection (a WebSocket, an event stream) it
 * takes one of the connection's subscription slots and pauses while it is slow to drain.
 */
export async function* streamUserEvents<T>(
  ctx: { deps: ApiDeps; session: Session; transport?: Transport },
  options: StreamUserEventsOptions<T>,
): AsyncGenerator<TrackedEnvelope<T>> {
  const { realtime } = ctx.deps;
  const { signal, topic } = options;
  // Its events would be read without what it loads.
  if (realtime.topics.get(topic.name) !== topic) throw new Error(`The topic "${topic.name}" is not registered with Realtime`);
  const userId = ctx.session.user.id;
  const resumeAfter = parseEventId(options.lastEventId);
  // A WebSocket or an event stream: held in the registry, which keeps its session current.
  const socketId = ctx.transport && ctx.transport.kind !== 'http' ? ctx.transport.connectionId : null;
  const releaseSlot = socketId === null ? () => {} : claimSlot(ctx.deps, socketId);

  // Registered before anything is read: an event committed from now on is either in the
  // reads below or offered by the hub (or both; `delivered` drops the second copy).
  const subscriber = realtime.hub.subscribe(userId, topic.name);
  // Starting at the head read below, there is nothing to read before the queue, unless the
  // hub sees an announcement before that head is known (it then sets needsRead again).
  if (resumeAfter === null) subscriber.needsRead = false;
  const wake = () => subscriber.wake();
  signal?.addEventListener('abort', wake, { once: true });
  try {
    // An id beyond the head (kept from another database, say) would skip what comes next.
    const head = (await untilDatabaseAnswers(() => realtime.streamHeads.read(userId), signal)) ?? 0;
    let delivered = resumeAfter === null ? head : Math.min(resumeAfter, head);
    subscriber.advanceTo(delivered);

    while (!signal?.aborted) {
      if (socketId !== null) await realtime.connections.whenWritable(socketId, signal);
      let deliveredUpTo: number | null;
      try {
        deliveredUpTo = yield* deliverNextBatch(ctx, socketId, subscriber, delivered, topic);
      } catch (error) {
        if (!databaseFault(error)) throw error;
        // The database failed before anything of the batch was yielded (the batch's read, and the
        // session's, come first): read the same events again once it answers. The client sees no error.
        subscriber.needsRead = true;
        await pause(DATABASE_RETRY_MS, signal);
        continue;
      }
      if (deliveredUpTo === null) await subscriber.whenReady(signal);
      else delivered = deliveredUpTo;
    }
  } finally {
    signal?.removeEventListener('abort', wake);
    realtime.hub.unsubscribe(subscriber);
    releaseSlot();
  }
}

/** The stream position a client sent back; anything else is refused (BAD_REQUEST). */
export function parseEventId(lastEventId: string | null | undefined): number | null {
  if (lastEventId === undefined || lastEventId === null) return null;
  const seq = /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'lastEventId: must be an event id this subscription sent' });
  }
  return seq;
}

/** One of the socket's subscription slots (MAX_SUBSCRIPTIONS_PER_SOCKET), or TOO_MANY_REQUESTS; returns how to give it back. */
export function claimSlot(deps: ApiDeps, socketId: number): () => void {
  const release = deps.realtime.connections.claimSubscription(socketId);
  if (!release) {
    const max = deps.realtime.connections.limits.maxSubscriptionsPerSocket;
    throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `A connection may hold at most ${max} subscriptions` });
  }
  return release;
}

/**
 * Delivers one batch (the next database page, or the hub's queue) beyond `delivered`; returns
 * the seq it delivered up to, or null when there was nothing new. A generator of its own so
 * that the batch dies with its frame: a suspended generator keeps its locals alive, and
 * streamUserEvents' frame waits for the socket's next event for as long as the socket lives.
 */
async function* deliverNextBatch<T>(
  ctx: { deps: ApiDeps; session: Session },
  socketId: number | null,
  subscriber: Subscriber,
  delivered: number,
  topic: StreamUserEventsOptions<T>['topic'],
): AsyncGenerator<TrackedEnvelope<T>, number | null> {
  // From the hub's queue, events are live: their latency is worth measuring; a read is a replay.
  const live = !subscriber.needsRead;
  const batch = live ? subscriber.take() : await readNextPage(ctx.deps, subscriber, delivered);
  const fresh = batch.filter((event) => event.seq > delivered);
  const last = fresh.at(-1);
  if (!last) return null;
  // Over a registered connection, the session as it is now: a demoted user sees only what they still may; an ended one, nothing more.
  const { sessions } = ctx.deps.realtime;
  const session = socketId === null ? ctx.session : (sessions.fresh(socketId) ?? (await sessions.current(socketId)));
  if (!session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  for (const event of fresh) {
    // What the event needs was read with it (Topic.load); `message` decides what this viewer gets.
    const message = topic.message(event, session.user);
    if (message === null) continue;
    ctx.deps.metrics.delivered(event, live);
    yield tracked(String(event.seq), message);
  }
  return last.seq;
}

/** The next page from the database; another one follows while pages come back full. */
async function readNextPage(deps: ApiDeps, subscriber: Subscriber, afterSeq: number): Promise<StoredUserEvent[]> {
  subscriber.needsRead = false;
  const events = await deps.realtime.reads.readTopicEvents({ userId: subscriber.userId, topic: subscriber.topic, afterSeq, limit: READ_PAGE });
  if (events.length === READ_PAGE) subscriber.needsRead = true;
  const last = events.at(-1);
  if (last) subscriber.advanceTo(last.seq);
  return events;
}

/**
 * `read`, again every DATABASE_RETRY_MS while it fails with a database fault (lost connection,
 * timeout): a subscription outlives a database restart instead of ending with 503. Undefined
 * once `signal` aborts.
 */
async function untilDatabaseAnswers<T>(read: () => Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  while (!signal?.aborted) {
    try {
      return await read();
    } catch (error) {
      if (!databaseFault(error)) throw error;
      await pause(DATABASE_RETRY_MS, signal);
    }
  }
  return undefined;
}

/** Waits `ms`, or less if `signal` aborts meanwhile (never throws). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => {});
}
