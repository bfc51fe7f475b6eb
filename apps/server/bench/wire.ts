/**
 * `npm run bench:wire`: what writing an answer costs, superjson's general walk against the API's
 * writer (packages/api/src/lib/wire.ts), for a page of 20 notifications and for one delivered
 * event, shaped as the API sends them. Prints microseconds per call.
 *   --rounds N   calls timed per case (default 20000; a tenth of it for the page)
 */
import { parseArgs } from 'node:util';
import superjson from 'superjson';
import { serializeForWire } from '@pms/api';

const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const rounds = Number(values.rounds ?? 20_000);
if (!Number.isInteger(rounds) || rounds < 100) throw new Error(`--rounds must be a whole number of at least 100, not ${values.rounds}`);

const at = new Date('2026-12-03T02:00:00.000Z');
const notification = (id: number) => ({
  id,
  type: 'GOAL_SUBMITTED',
  priority: 'HIGH',
  title: 'Carol submitted a goal for approval',
  message: 'Quarterly onboarding review for the support team',
  data: { goalId: id, actorId: 3, actorName: 'Carol' },
  link: `/goals/${id}`,
  groupKey: `goal-submitted:3`,
  actions: [
    { kind: 'approve', label: 'Approve' },
    { kind: 'reject', label: 'Reject', needsReason: true },
  ],
  resolution: null,
  createdAt: at,
  seenAt: at,
  readAt: null,
  archivedAt: null,
  snoozedUntil: null,
  resolvedAt: null,
  expiresAt: at,
});
const cases = {
  'a page of 20 notifications': { value: { items: Array.from({ length: 20 }, (_, i) => notification(i + 1)), nextCursor: 1, lastEventId: '4711' }, rounds: Math.ceil(rounds / 10) },
  'one delivered event': { value: { id: '4712', data: { kind: 'created', notification: notification(21) } }, rounds },
};
const writers = { superjson: (value: unknown) => superjson.serialize(value), 'lib/wire.ts': serializeForWire };

console.log(`\n=== bench:wire ${new Date().toISOString()} ===`);
console.log(`command   npm run bench:wire -- ${process.argv.slice(2).join(' ')}`.trimEnd());
console.log(`${'case'.padEnd(30)} ${'writer'.padEnd(12)} ${'µs/call'.padStart(8)}`);
for (const [name, { value, rounds: n }] of Object.entries(cases)) {
  for (const [writer, write] of Object.entries(writers)) {
    for (let i = 0; i < n / 4; i++) write(value); // warm up
    let kept: unknown;
    const started = performance.now();
    for (let i = 0; i < n; i++) kept = write(value);
    const micros = ((performance.now() - started) * 1000) / n;
    if (!kept) throw new Error('nothing written');
    console.log(`${name.padEnd(30)} ${writer.padEnd(12)} ${micros.toFixed(1).padStart(8)}`);
  }
}
