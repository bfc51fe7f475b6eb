/**
 * Publishing for the PMS's other modules (initiatives, reviews, ...): the notification types they
 * register, and what one publication says. The server adds what a schema cannot know (is the type
 * registered, do the recipients exist) in @pms/api publishing/.
 */
import { z } from 'zod';
import { NotificationPriority, NotificationType } from './enums.js';
import { idempotencyKey } from './idempotency.js';
import { id, plainText, text, TRANSFORMER_REFUSED_KEYS } from './inputs.js';
import { NotificationCategory } from './preferences.js';

export const registerTypeInput = z.object({
  type: NotificationType,
  category: NotificationCategory,
  /** What people see on the notification and in the history filter ("Initiative assigned"). */
  label: text('label', 60),
  description: text('description', 300).optional(),
});
export type RegisterTypeInput = z.infer<typeof registerTypeInput>;

/** At most this many people per publication: one transaction, one statement, one event per person. */
export const MAX_RECIPIENTS = 1000;
/** The most `data` may weigh, as JSON. */
export const MAX_DATA_BYTES = 8 * 1024;
/** How far ahead a publication may be scheduled. */
export const MAX_SEND_AT_DAYS = 366;
export const MAX_LINK_ACTIONS = 3;

/**
 * Where in `value` the first key tRPC's transformer refuses is (`data.a.constructor`,
 * `data.list[2].prototype`), or null: a notification holding one could never be read back, and
 * would break its recipient's whole inbox. (zod already drops a top-level `__proto__`.)
 */
function refusedKeyAt(value: unknown, path: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const array = Array.isArray(value);
  for (const [key, inner] of Object.entries(value)) {
    const here = array ? `${path}[${key}]` : `${path}.${key}`;
    if (!array && TRANSFORMER_REFUSED_KEYS.has(key)) return here;
    const deeper = refusedKeyAt(inner, here);
    if (deeper !== null) return deeper;
  }
  return null;
}

/** "the keys __proto__, constructor or prototype", from the list the checks use. */
const refusedKeysNamed = (() => {
  const keys = [...TRANSFORMER_REFUSED_KEYS];
  return `the keys ${keys.slice(0, -1).join(', ')} or ${keys.at(-1)}`;
})();

/**
 * Where a notification (or its action) leads: an in-app path (`/initiatives/7`, opened in the SPA)
 * or an https URL (another module's page). Nothing else: no `javascript:`, no `//host`, no http.
 */
const destination = (field: string) =>
  plainText(field)
    .trim()
    .max(2000, { error: `${field} must be at most 2000 characters` })
    .refine((value) => isInAppPath(value) || isHttpsUrl(value), {
      error: `${field} must be an in-app path starting with / (like /initiatives/7) or an https:// URL`,
    });

const isInAppPath = (value: string) => /^\/(?![/\\])[^\s\\]*$/.test(value);

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && !/\s/.test(value);
  } catch {
    return false;
  }
}

export const linkAction = z.object({
  kind: z.literal('link', { error: "actions: kind must be 'link'" }),
  label: text('label', 40),
  url: destination('url'),
});

/** A person by id (a number) or by email address (text). */
const recipient = z.union([id('recipients'), z.string({ error: 'recipients must hold user ids or email addresses' }).trim().toLowerCase().pipe(z.email({ error: 'recipients must hold user ids or email addresses' }))], {
  error: 'recipients must hold user ids (numbers) or email addresses (text)',
});

/** A time from JSON (ISO 8601 with offset) or from superjson (a Date). */
const instant = (field: string) => {
  const error = `${field} must be an ISO 8601 time like 2026-12-24T09:00:00Z`;
  return z
    .union([z.date({ error }), z.iso.datetime({ offset: true, error })], { error })
    .transform((value) => new Date(value))
    // Checked against the clock at each call, not when the schema was built.
    .refine((at) => at.getTime() > Date.now(), { error: `${field} must be in the future` })
    .refine((at) => at.getTime() <= Date.now() + MAX_SEND_AT_DAYS * 86_400_000, { error: `${field} must be at most ${MAX_SEND_AT_DAYS} days ahead` });
};

export const publishInput = z.object({
  recipients: z
    .array(recipient, { error: `recipients must be a list of 1 to ${MAX_RECIPIENTS} user ids or email addresses` })
    .min(1, { error: `recipients must hold 1 to ${MAX_RECIPIENTS} people` })
    .max(MAX_RECIPIENTS, { error: `recipients must hold 1 to ${MAX_RECIPIENTS} people` }),
  type: NotificationType,
  priority: NotificationPriority.default('NORMAL'),
  title: text('title', 200),
  message: text('message', 2000),
  link: destination('link').optional(),
  data: z
    .record(z.string(), z.unknown(), { error: 'data must be a JSON object' })
    .check((context) => {
      const at = refusedKeyAt(context.value, 'data');
      if (at !== null) context.issues.push({ code: 'custom', input: context.value, message: `data must not use ${refusedKeysNamed} (${at})` });
    })
    .refine((data) => new TextEncoder().encode(JSON.stringify(data)).length <= MAX_DATA_BYTES, { error: `data must be at most ${MAX_DATA_BYTES} bytes as JSON` })
    .optional(),
  /** Notifications sharing a key collapse into one group in the SPA. */
  groupKey: text('groupKey', 120).optional(),
  actions: z.array(linkAction).max(MAX_LINK_ACTIONS, { error: `actions must hold at most ${MAX_LINK_ACTIONS} actions` }).optional(),
  /** Deliver later (at most MAX_SEND_AT_DAYS ahead); now when left out. */
  sendAt: instant('sendAt').optional(),
  /** Over REST, the `Idempotency-Key` header says the same. */
  idempotencyKey,
});
export type PublishInput = z.input<typeof publishInput>;

export const publicationIdInput = z.object({ id: id() });
