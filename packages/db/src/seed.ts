import type { GoalType, Permission } from '@pms/shared';
import type { Kysely } from 'kysely';
import type { DB } from './database.js';
import { insertGoalWithHistory } from './goals.js';
import type { Database } from './schema.js';

export const DEMO_PASSWORD = 'demo-pass-2026';

interface DemoUser {
  email: string;
  name: string;
  supervisor: string | null;
  permissions: Permission[];
}

/** The demo organisation: an admin, two supervisors, four supervisees (see README). */
export const DEMO_USERS: DemoUser[] = [
  { email: 'admin@demo.pms', name: 'Ada Admin', supervisor: null, permissions: ['admin', 'goal_create_yearly', 'goal_create_quarterly'] },
  { email: 'sam@demo.pms', name: 'Sam Supervisor', supervisor: 'admin@demo.pms', permissions: ['goal_create_quarterly'] },
  { email: 'olivia@demo.pms', name: 'Olivia Supervisor', supervisor: 'admin@demo.pms', permissions: ['goal_create_quarterly'] },
  { email: 'alice@demo.pms', name: 'Alice Analyst', supervisor: 'sam@demo.pms', permissions: [] },
  { email: 'bob@demo.pms', name: 'Bob Builder', supervisor: 'sam@demo.pms', permissions: [] },
  { email: 'carol@demo.pms', name: 'Carol Coder', supervisor: 'olivia@demo.pms', permissions: [] },
  { email: 'dave@demo.pms', name: 'Dave Designer', supervisor: 'olivia@demo.pms', permissions: [] },
];

interface DemoGoal {
  owner: string;
  type: GoalType;
  title: string;
  description: string;
}

/**
 * Organisational goals for personal ones to align to: the company's yearly goal first, then
 * each supervisor's quarterly goal under it. Organisational goals start ACTIVE.
 */
export const DEMO_GOALS: DemoGoal[] = [
  {
    owner: 'admin@demo.pms',
    type: 'YEARLY',
    title: 'Delight our customers: reach an NPS of 60',
    description: 'Every team contributes: faster onboarding, fewer defects, clearer communication.',
  },
  {
    owner: 'sam@demo.pms',
    type: 'QUARTERLY',
    title: 'Cut customer onboarding to one day',
    description: 'From signed contract to first value in a single working day.',
  },
  {
    owner: 'olivia@demo.pms',
    type: 'QUARTERLY',
    title: 'Ship the redesigned dashboard',
    description: 'Replace the legacy dashboard for all customers, with accessibility checks.',
  },
];

/**
 * Creates the demo users and goals unless they exist already (safe to run twice).
 * The password hasher is passed in: hashing policy belongs to the auth module.
 */
export async function seedDemo(db: DB, hashPassword: (plain: string) => Promise<string>): Promise<number> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    let created = 0;
    for (const user of DEMO_USERS) {
      const supervisor = user.supervisor
        ? await trx.selectFrom('users').select('id').where('email', '=', user.supervisor).executeTakeFirstOrThrow()
        : null;
      const row = await trx
        .insertInto('users')
        .values({
          email: user.email,
          name: user.name,
          password_hash: passwordHash,
          supervisor_id: supervisor?.id ?? null,
          permissions: user.permissions,
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) created++;
    }
    await seedDemoGoals(trx, new Date());
    return created;
  });
}

/** Adds each demo goal (for the current year and quarter) unless its owner already has one of that title. */
async function seedDemoGoals(trx: Kysely<Database>, now: Date): Promise<void> {
  const period = { year: now.getUTCFullYear(), quarter: Math.floor(now.getUTCMonth() / 3) + 1 };
  let companyGoalId: number | null = null;
  for (const goal of DEMO_GOALS) {
    const owner = await trx.selectFrom('users').select('id').where('email', '=', goal.owner).executeTakeFirstOrThrow();
    const existing = await trx
      .selectFrom('goals')
      .select('id')
      .where('owner_id', '=', owner.id)
      .where('title', '=', goal.title)
      .executeTakeFirst();
    const parentGoalId: number | null = goal.type === 'YEARLY' ? null : companyGoalId;
    const id: number = existing?.id ?? (await insertDemoGoal(trx, goal, owner.id, period, parentGoalId));
    if (goal.type === 'YEARLY') companyGoalId = id;
  }
}

/** An ACTIVE organisational goal created by its owner, stored as the goals API stores one. */
function insertDemoGoal(
  trx: Kysely<Database>,
  goal: DemoGoal,
  ownerId: number,
  period: { year: number; quarter: number },
  parentGoalId: number | null,
): Promise<number> {
  return insertGoalWithHistory(
    trx,
    {
      title: goal.title,
      description: goal.description,
      type: goal.type,
      year: period.year,
      quarter: goal.type === 'QUARTERLY' ? period.quarter : null,
      owner_id: ownerId,
      creator_id: ownerId,
      parent_goal_id: parentGoalId,
      status: 'ACTIVE',
    },
    'create',
  );
}

export async function isEmpty(db: DB): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return !row;
}
