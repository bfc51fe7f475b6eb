/**
 * Delivers a scheduled publication at its `sendAt` (enqueued with it, in the same transaction).
 * Exactly once whatever happens: deliverPublication claims it with a conditional UPDATE in the
 * transaction that stores its notifications, so a second instance running the same job waits on
 * that row and then finds it delivered, and a job whose process died mid-way rolled back and runs
 * again (pg-boss puts it back once `expireInSeconds` passed).
 */
import type { JobKind } from '../jobs/queue.js';
import { deliverPublication } from './publications.js';

export const publicationJob: JobKind<{ publicationId: number }> = {
  name: 'publication.deliver',
  options: {
    // One transaction of at most a thousand rows: a job active for 30 s lost its process.
    expireInSeconds: 30,
    // Retries after 1-2 s, then twice as long each time: a database outage delays it, no more.
    retryLimit: 15,
    retryDelay: 1,
    retryBackoff: true,
  },
  handle: async ({ publicationId }, deps) => {
    await deps.db.transaction().execute((trx) => deliverPublication(trx, deps, publicationId));
  },
};
