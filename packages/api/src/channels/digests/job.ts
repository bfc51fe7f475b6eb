/**
 * Sends one digest (`email.digest`): a person's run started by schedule.ts. Everything is read at
 * send time: preferences (a category turned off, or away from this timing, drops out), what is
 * still unread, undecided and in the inbox. Nothing left to say: no mail. In quiet hours the job
 * comes back when they end. The mail goes through deliverMail under `digest:<kind>:<user>:<period>`,
 * so a retry, a second instance or a job run again after a crash sends it once.
 *
 * Windows are fixed per period, so digests neither overlap nor leave gaps: a daily digest names
 * what arrived in the local day up to this morning's MORNING_HOUR; an hourly one, the UTC hour
 * before its period's. The decisions digest names every request still waiting, oldest first.
 */
import { sql, type RawBuilder } from 'kysely';
import { NotificationCategory, type EmailTiming } from '@pms/shared';
import type { JobKind } from '../../jobs/queue.js';
import { deliverySettingsOf, preferencesOf, type Preferences } from '../../preferences/effective.js';
import { quietUntil } from '../../preferences/quiet-hours.js';
import type { ApiDeps } from '../../trpc.js';
import { deliverMail } from '../mail/deliver.js';
import { notificationUrl, preferencesUrl } from '../mail/links.js';
import { renderMail } from '../mail/templates/render.js';
import { unsubscribeHeaders } from '../mail/unsubscribe.js';
import { DigestMail, type DigestItem } from './templates/digest.js';

export type DigestKind = 'daily' | 'hourly' | 'decisions';

export interface DigestRun {
  userId: number;
  kind: DigestKind;
  /** `2026-12-02` (daily, decisions: the person's local date), `2026-12-02T08` (hourly: UTC). */
  period: string;
}

/** The local hour daily and decisions digests go out in (08:00-08:59 in each person's time zone). */
export const MORNING_HOUR = 8;

/** Notifications a digest may name (alias `n`): still unread, undecided, in the inbox and not expired. */
export const pending = (at: RawBuilder<Date> | Date) =>
  sql<boolean>`n.read_at is null and n.resolved_at is null and n.archived_at is null and n.snoozed_until is null and n.expires_at > ${at}`;

/** Items named in one mail; the rest are counted ("and 12 more"). */
export const DIGEST_LIMIT = 50;

export const digestJob: JobKind<DigestRun> = {
  name: 'email.digest',
  options: {
    // Longer than deliverMail's lease and the mailer's timeouts: a live send is never run twice.
    expireInSeconds: 120,
    // Retries after 5 s, then twice as long each time: an SMTP or database outage delays it.
    retryLimit: 12,
    retryDelay: 5,
    retryBackoff: true,
  },
  handle: (run, deps) => sendDigest(deps, run),
};

/** The bounds of a run's window (see the top of this file). */
async function windowOf(db: ApiDeps['db'], run: DigestRun, timeZone: string) {
  if (run.kind === 'hourly') {
    const end = new Date(`${run.period}:00:00Z`);
    return { from: new Date(end.getTime() - 3_600_000), to: end };
  }
  const zone = await knownZone(db, timeZone);
  const morningOf = (day: string) => sql<Date>`(${day}::date + make_time(${MORNING_HOUR}, 0, 0)) at time zone ${zone}`;
  return { from: morningOf(previousDay(run.period)), to: morningOf(run.period) };
}

/** The zone if PostgreSQL knows it, else UTC (as the scheduler counts it); cheaper than reading pg_timezone_names. */
async function knownZone(db: ApiDeps['db'], zone: string): Promise<string> {
  try {
    await sql`select now() at time zone ${zone}`.execute(db);
    return zone;
  } catch (error) {
    if ((error as { code?: string }).code === '22023') return 'UTC'; // invalid_parameter_value: time zone not recognized
    throw error;
  }
}

const previousDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The categories whose email is on with this timing for the person now: what a digest covers. */
const categoriesWithTiming = (preferences: Preferences, timing: EmailTiming) =>
  NotificationCategory.options.filter((category) => preferences[category].email && preferences[category].emailTiming === timing);

/** What the digest names now (at most DIGEST_LIMIT rows, each with the total) and the categories it covers. */
async function digestContent({ db }: ApiDeps, run: DigestRun, timeZone: string) {
  let categories: NotificationCategory[] = [];
  let query = db
    .selectFrom('notifications as n')
    .select(['n.id', 'n.type', 'n.title', 'n.message', 'n.link', 'n.created_at', sql<number>`count(*) over ()`.as('total')])
    .where('n.recipient_id', '=', run.userId)
    .where(pending(sql<Date>`now()`))
    .limit(DIGEST_LIMIT);
  if (run.kind === 'decisions') {
    query = query.where('n.request_key', 'is not', null).orderBy('n.created_at', 'asc').orderBy('n.id', 'asc');
  } else {
    categories = categoriesWithTiming((await preferencesOf(db, [run.userId])).get(run.userId)!, run.kind);
    if (categories.length === 0) return { categories, rows: [] };
    // The types registered in those categories (publishing/types.ts).
    const types = db.selectFrom('notification_types').select('type').where('category', 'in', categories);
    const { from, to } = await windowOf(db, run, timeZone);
    query = query
      .where('n.type', 'in', types)
      .where('n.created_at', '>=', from)
      .where('n.created_at', '<', to)
      .orderBy('n.created_at', 'desc')
      .orderBy('n.id', 'desc');
  }
  return { categories, rows: await query.execute() };
}

export async function sendDigest(deps: ApiDeps, run: DigestRun): Promise<void> {
  const { db, config } = deps;
  const person = await db.selectFrom('users').select(['email', 'active']).where('id', '=', run.userId).executeTakeFirst();
  if (!person?.active) return;
  const settings = (await deliverySettingsOf(db, [run.userId])).get(run.userId)!;
  if (run.kind === 'decisions' && !settings.decisionsDigest) return;

  const { categories, rows } = await digestContent(deps, run, settings.timeZone);
  if (rows.length === 0) return; // never empty

  const quietEnds = quietUntil(settings, new Date());
  if (quietEnds) {
    await deps.jobs.enqueue(db, digestJob, run, { startAfter: quietEnds });
    return;
  }

  const total = Number(rows[0]!.total);
  const items: DigestItem[] = rows.map((row) => ({
    title: row.title,
    message: row.message,
    url: notificationUrl(config, row),
    createdAt: row.created_at,
  }));
  // The one-click header can name one scope: the decisions digest, or the first category the
  // digest covers (in the order categories are listed everywhere); the body links each category.
  const scope = run.kind === 'decisions' ? ({ decisionsDigest: true } as const) : { category: categories[0]! };
  const unsubscribe = unsubscribeHeaders(config, run.userId, scope);
  const content = DigestMail({
    kind: run.kind,
    items,
    more: total - items.length,
    now: new Date(),
    preferencesUrl: preferencesUrl(config),
    unsubscribeUrl: unsubscribe.url,
    categoryLinks:
      run.kind === 'decisions' ? [] : categories.map((category) => ({ category, url: unsubscribeHeaders(config, run.userId, { category }).url })),
  });
  const { html, text } = await renderMail(content.element);
  const outcome = await deliverMail(deps, {
    dedupeKey: `digest:${run.kind}:${run.userId}:${run.period}`,
    userId: run.userId,
    to: person.email,
    kind: `digest.${run.kind}`,
    category: categories.length === 1 ? categories[0]! : null,
    subject: content.subject,
    html,
    text,
    headers: unsubscribe.headers,
  });
  // Another attempt holds the claim: fail, so the queue retries after its lease.
  if (outcome === 'inProgress') throw new Error(`digest ${run.kind} ${run.period} for user ${run.userId} is being sent by another attempt`);
}

