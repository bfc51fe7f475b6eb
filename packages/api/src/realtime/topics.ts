/**
 * A topic of the per-user event streams (notifications, goals, …): defined by the capability that
 * owns it (`defineTopic`) and registered in `packages/api/src/topics.ts`. realtime/ knows a topic
 * only through this shape: what to read with each of its events, and what a subscriber receives.
 */
import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '@pms/db';
import type { SessionUser } from '../trpc.js';
import type { StoredUserEvent } from './stored-events.js';

/** The columns of a stored event (`user_events`) that a topic's load may refer to. */
export interface EventColumns {
  /** Whose stream the event is in. */
  userId: Expression<number>;
  kind: Expression<string>;
  payload: Expression<Record<string, unknown>>;
}

export interface TopicLoad<Loaded> {
  /**
   * A jsonb expression over the event's columns: what its messages need beyond the payload (the
   * row it names, as the stream's owner may see it), or null when there is nothing they may see
   * (deleted, expired, someone else's). It runs inside the stream read's one statement (the hub's,
   * for every local subscriber at once, or a catch-up page), so no subscriber costs a query.
   */
  select(event: EventColumns, db: Kysely<Database>): Expression<unknown>;
  /** The JSON as `message` uses it (dates revived): once per event and read, shared by that user's subscribers. */
  parse(json: unknown): Loaded;
}

export interface Topic<Message = unknown, Loaded = unknown> {
  /** Stored as `user_events.topic`. */
  readonly name: string;
  readonly load?: TopicLoad<Loaded>;
  /**
   * What one subscriber receives for an event, or null to skip it (one they may not see, a kind
   * this version does not know). `viewer` is the subscriber's user as they are now, so a demoted
   * user stops receiving what they may no longer see. No I/O: it runs per subscriber and event.
   */
  message(event: StoredUserEvent<Loaded>, viewer: SessionUser): Message | null;
}

export function defineTopic<Message, Loaded = null>(topic: Topic<Message, Loaded>): Topic<Message, Loaded> {
  return topic;
}

/** The topics one process serves, by name. */
export type Topics = ReadonlyMap<string, Topic>;

export function topicsByName(topics: readonly Topic[]): Topics {
  const byName = new Map<string, Topic>();
  for (const topic of topics) {
    if (byName.has(topic.name)) throw new Error(`Two topics are named "${topic.name}"`);
    byName.set(topic.name, topic);
  }
  return byName;
}

/** A stored event row as topics' loads see it (`user_events as e`): in reads, and in the append that carries its events. */
const EVENT: EventColumns = { userId: sql.ref('e.user_id'), kind: sql.ref('e.kind'), payload: sql.ref('e.payload') };

/** One topic's load, or null. */
export function loadOf(db: Kysely<Database>, topic: Topic): RawBuilder<unknown> {
  return topic.load ? sql`(${topic.load.select(EVENT, db)})` : sql`null::jsonb`;
}

/** The `loaded` column of a row `e`: the load of its topic, for these topics. */
export function loadedOf(db: Kysely<Database>, topics: Iterable<Topic>): RawBuilder<unknown> {
  const branches = [...topics].filter((topic) => topic.load).map((topic) => sql`when ${topic.name} then ${loadOf(db, topic)}`);
  return branches.length ? sql`case e.topic ${sql.join(branches, sql` `)} end` : sql`null::jsonb`;
}

/** What a row's `loaded` column holds, revived by its topic's load (null when it loaded nothing, or the topic is not served here). */
export function revived(topics: Topics, topic: string, loaded: unknown): unknown {
  const load = loaded === null ? undefined : topics.get(topic)?.load;
  return load ? load.parse(loaded) : null;
}
