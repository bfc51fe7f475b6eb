import { sql } from 'kysely';
import type { DB } from './database.js';

const TABLES = [
  'users',
  'sessions',
  'goals',
  'goal_history',
  'notifications',
  'user_events',
  'realtime_instances',
  'rate_limits',
  'idempotency_keys',
] as const;

class Rollback extends Error {}

/** Verifies the schema and round-trips a sample notification (rolled back). Returns report lines. */
export async function checkDatabase(db: DB): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  const { rows } = await sql<{ version: string }>`select version()`.execute(db);
  lines.push(`server: ${rows[0]?.version.split(' on ')[0]}`);
  const present = await db
    .selectFrom('information_schema.tables' as never)
    .select(sql<string>`table_name`.as('name'))
    .where(sql`table_schema`, '=', 'public')
    .execute();
  const names = new Set(present.map((r) => r.name));
  for (const table of TABLES) {
    const found = names.has(table);
    ok &&= found;
    lines.push(`table ${table}: ${found ? 'ok' : 'MISSING'}`);
  }
  if (!ok) return { ok, lines };

  try {
    await db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('users')
        .values({ email: `db-check-${Date.now()}@invalid`, name: 'db check', password_hash: '-' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const sample = { title: 'db check', message: 'round trip', data: { probe: true } };
      const inserted = await trx
        .insertInto('notifications')
        .values({
          recipient_id: user.id,
          type: 'GOAL_SUBMITTED',
          priority: 'NORMAL',
          title: sample.title,
          message: sample.message,
          data: JSON.stringify(sample.data),
          expires_at: new Date(Date.now() + 60_000),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const read = await trx.selectFrom('notifications').selectAll().where('id', '=', inserted.id).executeTakeFirstOrThrow();
      const same = read.title === sample.title && read.message === sample.message && read.data.probe === true;
      ok &&= same;
      lines.push(`notification round trip: ${same ? 'ok' : 'MISMATCH'} (id ${read.id}, rolled back)`);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return { ok, lines };
}
