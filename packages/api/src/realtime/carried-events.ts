/**
 * Announcements that carry their events. The transaction that appends events reads what each
 * event's topic loads in the statement that stores them, and puts the events into the
 * announcement itself, so a hub that hears it hands them over with no read of its own: that read
 * was most of a delivery's time (BENCHMARKS.md, twenty-sixth session), and every instance made it.
 *
 *   `{ h: [[userId, head], …], f: { topic: fingerprint }, e: [[userId, seq, topic, kind, payload, createdAt, loaded], …] }`
 *
 * Carried only when the writer knows every event's topic and the whole announcement fits one
 * NOTIFY (PostgreSQL refuses 8000 bytes or more); otherwise it names the heads alone and each hub
 * reads, as it always could. A hub takes carried events of a topic only when its own load of that
 * topic has the same fingerprint (the load's SQL), so instances of two versions never hand over
 * a load the reader would have built differently.
 */
import { createHash } from 'node:crypto';
import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '@pms/db';
import type { StoredUserEvent } from './stored-events.js';
import { loadedOf, loadOf, revived, type Topic, type Topics } from './topics.js';

/** A carried announcement's size limit in bytes, below PostgreSQL's 8000 with room to spare. */
export const MAX_CARRIED_BYTES = 7800;

const fingerprints = new WeakMap<Topic, string>();

/**
 * What a topic's load reads, as a short hash of its SQL and parameters: equal where two processes
 * load it alike. Kept per topic: the SQL is the same whichever database compiles it.
 */
export function fingerprintOf(db: Kysely<Database>, topic: Topic): string {
  let fingerprint = fingerprints.get(topic);
  if (fingerprint === undefined) {
    const { sql: text, parameters } = sql`select ${loadOf(db, topic)}`.compile(db);
    fingerprint = createHash('sha256').update(JSON.stringify([topic.name, text, parameters])).digest('base64url').slice(0, 12);
    fingerprints.set(topic, fingerprint);
  }
  return fingerprint;
}

/**
 * The carried announcement of `heads` as text, an aggregate over the just-stored rows `e` (one
 * row for all of them), or null when a topic is not among `topics` (its load is unknown here).
 * Sent through `announcementOf`, which falls back to the heads alone when it is too long.
 */
export function carriedEvents(db: Kysely<Database>, topics: Topics, heads: Array<[number, number]>, topicNames: Iterable<string>): RawBuilder<string> | null {
  const used: Topic[] = [];
  for (const name of new Set(topicNames)) {
    const topic = topics.get(name);
    if (!topic) return null;
    used.push(topic);
  }
  const f = Object.fromEntries(used.map((topic) => [topic.name, fingerprintOf(db, topic)]));
  return sql<string>`json_build_object(
      'h', ${JSON.stringify(heads)}::json,
      'f', ${JSON.stringify(f)}::json,
      'e', json_agg(json_build_array(e.user_id, e.seq, e.topic, e.kind, e.payload, e.created_at, ${loadedOf(db, used)}) order by e.user_id, e.seq)
    )::text`;
}

/** The NOTIFY payload: the carried text when it fits, else the heads alone. */
export function announcementOf(carried: Expression<string>, heads: Array<[number, number]>): RawBuilder<string> {
  return sql<string>`case when octet_length(${carried}) <= ${MAX_CARRIED_BYTES} then ${carried} else ${JSON.stringify({ h: heads })} end`;
}

type CarriedRow = [number, number, string, string, Record<string, unknown>, string, unknown];

/** A `pms_user_events` payload as parsed; `f` and `e` only when it carries its events. */
export interface Announcement {
  h: Array<[number, number]>;
  f?: Record<string, string>;
  e?: CarriedRow[];
}

/**
 * The events an announcement carries for the users `served` here, by user, oldest first, as a read
 * would have returned them (the others' are not revived: every instance hears every announcement);
 * null when it carries none, or any this process would load differently (then the hub reads).
 */
export function eventsCarriedBy(
  announcement: Announcement,
  served: (userId: number) => boolean,
  topics: Topics,
  db: Kysely<Database>,
): Map<number, StoredUserEvent[]> | null {
  const { f, e } = announcement;
  if (!Array.isArray(e) || typeof f !== 'object' || f === null) return null;
  for (const [name, fingerprint] of Object.entries(f)) {
    const topic = topics.get(name);
    if (!topic || fingerprintOf(db, topic) !== fingerprint) return null;
  }
  const byUser = new Map<number, StoredUserEvent[]>();
  for (const [userId, seq, topic, kind, payload, createdAt, loaded] of e) {
    if (!Object.hasOwn(f, topic)) return null;
    if (!served(userId)) continue;
    const event: StoredUserEvent = { userId, seq, topic, kind, payload, createdAt: new Date(createdAt), loaded: revived(topics, topic, loaded) };
    const events = byUser.get(userId);
    if (events) events.push(event);
    else byUser.set(userId, [event]);
  }
  return byUser;
}
