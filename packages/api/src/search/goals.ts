/** Goals matching the search box, among those the caller may see, best first. */
import { sql, type RawBuilder } from 'kysely';
import type { DB } from '@pms/db';
import type { GoalStatus, GoalType } from '@pms/shared';
import { visibleTo, type Viewer } from '../goals/access.js';
import { headline, toParts, type Highlighted } from './text-query.js';

/** The expression of the GIN index goals_search_idx (migration 2026_12_07_0003), exactly, so that the index is used. */
const GOAL_TEXT = sql`(setweight(to_tsvector('simple', goals.title), 'A') || setweight(to_tsvector('simple', goals.description), 'B'))`;

export interface GoalSearch {
  query: RawBuilder<unknown>;
  status?: GoalStatus | undefined;
  goalType?: GoalType | undefined;
  limit: number;
  offset: number;
}

export interface GoalHit {
  id: number;
  title: string;
  type: GoalType;
  status: GoalStatus;
  owner: { id: number; name: string };
  rank: number;
  highlight: { title: Highlighted[]; snippet: Highlighted[] };
}

/** The page's query (exported for EXPLAIN in the tests): ranked and cut first; only the page's rows get the (costly) headlines. */
export function goalHits(db: DB, viewer: Viewer, search: GoalSearch) {
  const { query, status, goalType, limit, offset } = search;
  const page = db
    .selectFrom('goals')
    .innerJoin('users as owner', 'owner.id', 'goals.owner_id')
    .select(['goals.id', 'goals.title', 'goals.description', 'goals.type', 'goals.status', 'owner.id as ownerId', 'owner.name as ownerName'])
    .select(sql<number>`ts_rank(${GOAL_TEXT}, ${query})`.as('rank'))
    .where(sql<boolean>`${GOAL_TEXT} @@ ${query}`)
    .where(visibleTo(viewer))
    .$if(status !== undefined, (qb) => qb.where('goals.status', '=', status!))
    .$if(goalType !== undefined, (qb) => qb.where('goals.type', '=', goalType!))
    .orderBy('rank', 'desc')
    .orderBy('goals.id', 'desc')
    .limit(limit + 1)
    .offset(offset);
  return db
    .selectFrom(page.as('hit'))
    .select(['hit.id', 'hit.title', 'hit.type', 'hit.status', 'hit.ownerId', 'hit.ownerName', 'hit.rank'])
    .select([
      headline(sql.ref('hit.title'), query, 'whole').as('titleHeadline'),
      headline(sql.ref('hit.description'), query, 'snippet').as('snippetHeadline'),
    ])
    .orderBy('hit.rank', 'desc')
    .orderBy('hit.id', 'desc');
}

export async function searchGoals(db: DB, viewer: Viewer, search: GoalSearch): Promise<{ items: GoalHit[]; nextCursor: number | null }> {
  const { limit, offset } = search;
  const rows = await goalHits(db, viewer, search).execute();
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    title: row.title,
    type: row.type,
    status: row.status,
    owner: { id: row.ownerId, name: row.ownerName },
    rank: row.rank,
    highlight: { title: toParts(row.titleHeadline), snippet: row.snippetHeadline ? toParts(row.snippetHeadline) : [] },
  }));
  return { items, nextCursor: rows.length > limit ? offset + limit : null };
}
