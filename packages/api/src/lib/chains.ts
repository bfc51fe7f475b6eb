/**
 * Self-referencing chains that must never loop: a goal's parent goals, a user's supervisors.
 * Linking a row to a new parent closes a loop exactly when the row already lies above that
 * parent, so the check walks up from the parent.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@pms/db';

/** Where a chain is stored, and the advisory lock that serializes changes to it. */
export type Chain =
  | { table: 'goals'; link: 'parent_goal_id'; lock: string }
  | { table: 'users'; link: 'supervisor_id'; lock: string };

/**
 * Whether linking row `id` to `parentId` would close a loop. Takes the chain's lock first
 * (held until commit), so two concurrent changes cannot close a loop together.
 */
export async function closesLoop(trx: Kysely<Database>, chain: Chain, id: number, parentId: number): Promise<boolean> {
  await sql`select pg_advisory_xact_lock(hashtext(${chain.lock}))`.execute(trx);
  const table = sql.table(chain.table);
  const link = sql.ref(chain.link);
  const { rows } = await sql<{ id: number }>`
    with recursive chain(id) as (
      select ${link} from ${table} where id = ${parentId}
      union
      select t.${link} from ${table} t join chain c on t.id = c.id
    )
    select id from chain where id = ${id}
  `.execute(trx);
  return rows.length > 0;
}
