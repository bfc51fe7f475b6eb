import { sql, type Kysely, type RawBuilder } from 'kysely';

/** Written by background work on its own schedule (presence reports), not by calls. */
const BACKGROUND_TABLES = ['realtime_instances', 'kysely_migration', 'kysely_migration_lock'];

/** Rows background work rearranges without changing what they say (the counts fold): hashed by what they say. */
const AS_MEANT: Record<string, RawBuilder<unknown>> = {
  notification_counts: sql`
    select recipient_id, type, priority, sum(total), sum(unread), sum(unseen), sum(archived), sum(snoozed)
    from notification_counts group by recipient_id, type, priority
    having (sum(total), sum(unread), sum(unseen), sum(archived), sum(snoozed)) <> (0, 0, 0, 0, 0)`,
};

/**
 * A function returning one hash of every row of every table of the (small) test database:
 * equal before and after a call means the call changed nothing. Tables added later by
 * migrations are included automatically.
 */
export async function databaseFingerprint(db: Kysely<any>): Promise<() => Promise<string>> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> all(${BACKGROUND_TABLES})
    order by table_name
  `.execute(db);
  const perTable = tables.map(
    ({ name }) =>
      sql`select ${name} as name, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as hash from ${AS_MEANT[name] ? sql`(${AS_MEANT[name]})` : sql.table(name)} t`,
  );
  const query = sql<{ hash: string }>`
    select md5(string_agg(name || ':' || hash, ',' order by name)) as hash from (${sql.join(perTable, sql` union all `)}) tables
  `;
  return async () => (await query.execute(db)).rows[0]!.hash;
}
