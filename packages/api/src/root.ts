import { adminRouter } from './admin/router.js';
import { apiKeysRouter } from './api-keys/router.js';
import { authRouter } from './auth/router.js';
import { goalsRouter } from './goals/router.js';
import { notificationsRouter } from './notifications/router.js';
import { preferencesRouter } from './preferences/router.js';
import { notificationTypesRouter } from './publishing/router.js';
import { searchRouter } from './search/router.js';
import { reportsRouter } from './reports/router.js';
import { router } from './trpc.js';
import { usersRouter } from './users/router.js';

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  goals: goalsRouter,
  notifications: notificationsRouter,
  notificationTypes: notificationTypesRouter,
  preferences: preferencesRouter,
  admin: adminRouter,
  apiKeys: apiKeysRouter,
  search: searchRouter,
  reports: reportsRouter,
});

export type AppRouter = typeof appRouter;
