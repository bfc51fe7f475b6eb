/**
 * The notification reports, read from the rollup (rollup.ts): a few rows per day and type for the
 * scope, however many notifications it counts. Figures are as of the rollup's last run (a minute).
 */
import { sql } from 'kysely';
import type { DB } from '@pms/db';
import type { ReportFilter, ReportOutput } from '@pms/shared';
import { scopeKey, type ReportScope } from './access.js';
import { percentile } from './histogram.js';

type Range = Pick<ReportFilter, 'from' | 'to'>;

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

const DAY_MS = 86_400_000;
const shift = (day: string, days: number) => new Date(Date.parse(day) + days * DAY_MS).toISOString().slice(0, 10);
/** Days from `day` to the next Monday (0 on a Monday). */
const toMonday = (day: string) => (8 - new Date(day).getUTCDay()) % 7;

/**
 * The range's durations per type and bucket: its whole weeks from the weekly rows, the days
 * before the first and after the last from the daily ones (a 90-day range reads a quarter of the rows).
 */
async function durations(db: DB, scope: ReportScope, range: Range, measure: 'read' | 'resolve') {
  const firstWeek = shift(range.from, toMonday(range.from));
  const weeks = Math.max(0, Math.floor(((Date.parse(range.to) - Date.parse(firstWeek)) / DAY_MS + 1) / 7));
  const afterWeeks = shift(firstWeek, weeks * 7);
  const daily = (from: string, to: string) =>
    db
      .selectFrom('report_notification_durations')
      .select(['type', 'bucket', 'count'])
      .where('scope_id', '=', scopeKey(scope))
      .where('measure', '=', measure)
      .where('day', '>=', from)
      .where('day', '<=', to);
  const weekly = db
    .selectFrom('report_notification_weekly_durations')
    .select(['type', 'bucket', 'count'])
    .where('scope_id', '=', scopeKey(scope))
    .where('measure', '=', measure)
    .where('week', '>=', firstWeek)
    .where('week', '<', afterWeeks);
  const parts = weeks === 0 ? daily(range.from, range.to) : daily(range.from, shift(firstWeek, -1)).unionAll(weekly).unionAll(daily(afterWeeks, range.to));
  const rows = await db
    .selectFrom(parts.as('part'))
    .select(['type', 'bucket', sql<number>`sum(count)::int`.as('count')])
    .groupBy(['type', 'bucket'])
    .execute();
  const byType = new Map<string, Array<{ bucket: number; count: number }>>();
  for (const { type, bucket, count } of rows) {
    if (!byType.has(type)) byType.set(type, []);
    byType.get(type)!.push({ bucket, count });
  }
  return (type: string) => {
    const buckets = byType.get(type) ?? [];
    return { medianSeconds: percentile(buckets, 0.5), p90Seconds: percentile(buckets, 0.9) };
  };
}

function days(db: DB, scope: ReportScope, range: Range) {
  return db
    .selectFrom('report_notification_days')
    .where('scope_id', '=', scopeKey(scope))
    .where('day', '>=', range.from)
    .where('day', '<=', range.to);
}

export async function notificationsSent(db: DB, scope: ReportScope, range: Range): Promise<ReportOutput<'notificationsSent'>> {
  const rows = await days(db, scope, range)
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'type', sql<number>`sum(sent)::int`.as('sent')])
    .groupBy(['day', 'type'])
    .orderBy('day')
    .orderBy('type')
    .execute();
  return { rows };
}

export async function notificationReads(db: DB, scope: ReportScope, range: Range): Promise<ReportOutput<'notificationReads'>> {
  const [totals, timing] = await Promise.all([
    days(db, scope, range)
      .select(['type', sql<number>`sum(sent)::int`.as('sent'), sql<number>`sum(read)::int`.as('read')])
      .groupBy('type')
      .orderBy('type')
      .execute(),
    durations(db, scope, range, 'read'),
  ]);
  return { rows: totals.map((row) => ({ ...row, readRate: rate(row.read, row.sent), ...timing(row.type) })) };
}

export async function actionsResolved(db: DB, scope: ReportScope, range: Range): Promise<ReportOutput<'actionsResolved'>> {
  const [totals, outcomes, timing] = await Promise.all([
    days(db, scope, range)
      .select(['type', sql<number>`sum(asked)::int`.as('asked'), sql<number>`sum(resolved)::int`.as('resolved')])
      .where('asked', '>', 0)
      .groupBy('type')
      .orderBy('type')
      .execute(),
    days(db, scope, range)
      .innerJoinLateral(sql<{ key: string; value: string }>`jsonb_each_text(outcomes)`.as('o'), (join) => join.onTrue())
      .select(['type', 'o.key as outcome', sql<number>`sum(o.value::int)::int`.as('count')])
      .groupBy(['type', 'o.key'])
      .execute(),
    durations(db, scope, range, 'resolve'),
  ]);
  const outcomesOf = (type: string) =>
    Object.fromEntries(outcomes.filter((row) => row.type === type).map((row) => [row.outcome, row.count]));
  return { rows: totals.map((row) => ({ ...row, outcomes: outcomesOf(row.type), ...timing(row.type) })) };
}
