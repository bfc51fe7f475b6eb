/** Reads of the per-user event streams that events.ts appends to, each event with what its topic loads. */
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { queryPrepared, type DB, type UserEvent } from '@pms/db';
import { eventsCarriedBy, type Announcement } from './carried-events.js';
import { loadedOf, loadOf, revived, type Topics } from './topics.js';

/** One event of a user's stream as stored; `seq` orders it within that user's stream. */
export interface StoredUserEvent<Loaded = unknown> {
  userId: number;
  seq: number;
  topic: string;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  /**
   * What the event's topic read with it (Topic.load), in the same statement as the event: shared
   * by every subscriber of that user. Null when the topic loads nothing for it, or nothing its
   * stream's owner may see.
   */
  loaded: Loaded | null;
}

/** The seq of the newest event in a user's stream (0 when it is empty). */
export async function readStreamHead(db: DB, userId: number): Promise<number> {
  const row = await db.selectFrom('users').select('last_event_seq').where('id', '=', userId).executeTakeFirst();
  return row?.last_event_seq ?? 0;
}

/** The stream heads of these users, by user id (see readStreamHead). */
export async function readStreamHeads(db: DB, userIds: number[]): Promise<Map<number, number>> {
  const rows = await db.selectFrom('users').select(['id', 'last_event_seq']).where('id', 'in', userIds).execute();
  return new Map(rows.map((row) => [row.id, row.last_event_seq]));
}

/** A slice of one user's stream: the events in (afterSeq, upToSeq]. */
export interface StreamRange {
  userId: number;
  afterSeq: number;
  upToSeq: number;
}

/** A user_events row (`e.*`) with what its topic loaded. */
type LoadedRow = UserEvent & { loaded: unknown };

/**
 * A read's statement, built once per process: the `loaded` column (every topic's load) makes its
 * text long, and PostgreSQL would parse and plan it on every read (about 2 ms, more than the read
 * itself), so it runs prepared, named after its text. Its parameters start with the loads' own.
 */
interface Statement {
  name: string;
  text: string;
  parameters: readonly unknown[];
}

function statement(db: DB, loaded: RawBuilder<unknown>, rest: (n: number) => string): Statement {
  const { sql: compiled, parameters } = sql`select ${loaded}`.compile(db);
  const text = `select e.*, ${compiled.slice('select '.length)} as loaded ${rest(parameters.length)}`;
  return { name: `pms_stream_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text, parameters };
}

/**
 * The statements that read user streams. Each joins what the event's topic loads (Topic.load), so
 * that delivering an event to any number of subscribers costs the one statement that read it.
 */
export class StreamReads {
  readonly #ranges: Statement;
  readonly #byTopic = new Map<string, Statement>();

  constructor(
    private readonly db: DB,
    private readonly topics: Topics,
  ) {
    this.#ranges = statement(
      db,
      loadedOf(db, topics.values()),
      (n) => `from unnest($${n + 1}::int[], $${n + 2}::bigint[], $${n + 3}::bigint[]) as r(user_id, after_seq, up_to_seq)
       cross join lateral (
         select * from user_events
         where user_id = r.user_id and seq > r.after_seq and seq <= r.up_to_seq
         order by seq
         limit $${n + 4}
       ) as e
       order by e.user_id, e.seq`,
    );
    for (const topic of topics.values()) {
      this.#byTopic.set(
        topic.name,
        statement(
          db,
          loadOf(db, topic),
          (n) => `from user_events as e
       where e.user_id = $${n + 1} and e.topic = $${n + 2} and e.seq > $${n + 3}
       order by e.seq limit $${n + 4}`,
        ),
      );
    }
  }

  /** Up to `limit` events of one topic of one user's stream after `afterSeq`, oldest first. */
  async readTopicEvents(query: { userId: number; topic: string; afterSeq: number; limit: number }): Promise<StoredUserEvent[]> {
    const read = this.#byTopic.get(query.topic);
    if (!read) throw new Error(`No topic is named "${query.topic}"`);
    return this.#read(read, [query.userId, query.topic, query.afterSeq, query.limit]);
  }

  /**
   * Several users' stream slices, every topic, in one statement: at most `perUser` events of each
   * range, ordered by user then seq, each with what its topic loads.
   */
  async readRanges(ranges: StreamRange[], perUser: number): Promise<StoredUserEvent[]> {
    if (ranges.length === 0) return [];
    return this.#read(this.#ranges, [ranges.map((r) => r.userId), ranges.map((r) => r.afterSeq), ranges.map((r) => r.upToSeq), perUser]);
  }

  /** The events an announcement carries for the users `served` (carried-events.ts); null when they are to be read. */
  carriedBy(announcement: Announcement, served: (userId: number) => boolean): Map<number, StoredUserEvent[]> | null {
    return eventsCarriedBy(announcement, served, this.topics, this.db);
  }

  async #read(read: Statement, values: unknown[]): Promise<StoredUserEvent[]> {
    const rows = await queryPrepared<LoadedRow>(this.db, read, [...read.parameters, ...values]);
    return rows.map((row) => ({
      userId: row.user_id,
      seq: row.seq,
      topic: row.topic,
      kind: row.kind,
      payload: row.payload,
      createdAt: row.created_at,
      loaded: revived(this.topics, row.topic, row.loaded),
    }));
  }
}
