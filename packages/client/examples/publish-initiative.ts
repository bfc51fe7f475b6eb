/**
 * Publishes an initiative notification with an API key (scope notifications:publish), safely
 * retried: the same idempotency key never notifies twice.
 *
 *   PMS_URL=http://localhost:3000 PMS_API_KEY=pms_… npx tsx packages/client/examples/publish-initiative.ts alice@demo.pms
 */
import { randomUUID } from 'node:crypto';
import { createPmsClient, TRPCClientError } from '@pms/client';

const url = process.env.PMS_URL;
const apiKey = process.env.PMS_API_KEY;
const recipients = process.argv.slice(2);
if (!url || !apiKey || recipients.length === 0) {
  console.error('usage: PMS_URL=… PMS_API_KEY=pms_… npx tsx publish-initiative.ts <email or user id>…');
  process.exit(2);
}

const pms = createPmsClient({ url, apiKey });
const idempotencyKey = randomUUID(); // one per notification, kept across retries

try {
  const publication = await pms.notifications.publish.mutate({
    recipients: recipients.map((one) => (/^\d+$/.test(one) ? Number(one) : one)),
    type: 'INITIATIVE_ASSIGNED',
    priority: 'HIGH',
    title: 'You lead the onboarding initiative',
    message: 'Olivia assigned you the initiative "Faster onboarding".',
    link: '/initiatives/7',
    data: { initiativeId: 7 },
    actions: [{ kind: 'link', label: 'Open initiative', url: 'https://initiatives.example.com/7' }],
    idempotencyKey,
  });
  console.log(JSON.stringify(publication));
} catch (error) {
  // A 400 names what is wrong (an unknown recipient, an unregistered type); a 403 the missing scope.
  if (error instanceof TRPCClientError) console.error(`refused (${error.data?.httpStatus}): ${error.message}`);
  else console.error(error);
  process.exit(1);
}
