import type { Permission } from '@pms/shared';
import type { DB } from './database.js';

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

/**
 * Creates the demo users unless they exist already (safe to run twice).
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
    return created;
  });
}

export async function isEmpty(db: DB): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return !row;
}
