import { sql, type Kysely } from 'kysely';

// Frozen in time: never import app types here; later changes go in new migrations.
/**
 * A decision on a goal awaiting approval (approve, reject) keeps when that goal was submitted:
 * the latest submission ('create' into PENDING_APPROVAL, or 'submit') at or before it. The
 * approval turnaround report then reads the decisions alone instead of pairing every decision
 * with the submissions (about 200 ms over 90 days at 100,000 goals). A trigger fills it, so every
 * writer agrees: the goals service, the demo history, imports.
 */
const LATEST_SUBMISSION = (decision: string) => sql`(
  select max(s.created_at) from goal_history s
  where s.goal_id = ${sql.raw(decision)}.goal_id and s.created_at <= ${sql.raw(decision)}.created_at
    and ((s.action = 'create' and s.to_status = 'PENDING_APPROVAL') or s.action = 'submit'))`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table goal_history add column submitted_at timestamptz`.execute(db);
  await sql`
    create function goal_history_submitted_at() returns trigger language plpgsql as $$
    begin
      new.submitted_at := ${LATEST_SUBMISSION('new')};
      return new;
    end $$`.execute(db);
  await sql`
    create trigger goal_history_submitted_at before insert on goal_history
    for each row when (new.action in ('approve', 'reject')) execute function goal_history_submitted_at()`.execute(db);
  await sql`update goal_history d set submitted_at = ${LATEST_SUBMISSION('d')} where d.action in ('approve', 'reject')`.execute(db);
  await sql`
    create index goal_history_decisions_idx on goal_history (created_at) include (goal_id, action, submitted_at)
    where action in ('approve', 'reject')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists goal_history_submitted_at on goal_history`.execute(db);
  await sql`drop function if exists goal_history_submitted_at()`.execute(db);
  await db.schema.dropIndex('goal_history_decisions_idx').ifExists().execute();
  await sql`alter table goal_history drop column if exists submitted_at`.execute(db);
}
