/**
 * Dates and times in the reader's language: the browser's (navigator.language, what they chose),
 * else the page's (<html lang>). The words around them stay the interface's English.
 */
export function interfaceLocale(): string | undefined {
  if (typeof navigator !== 'undefined' && navigator.language) return navigator.language;
  if (typeof document !== 'undefined' && document.documentElement.lang) return document.documentElement.lang;
  return undefined;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "just now", "5 minutes ago", "yesterday"; a date past a week. */
export function timeAgo(date: Date, now: Date = new Date(), locale = interfaceLocale()): string {
  const elapsed = now.getTime() - date.getTime();
  if (elapsed < 60_000) return 'just now';
  if (elapsed >= 7 * 86_400_000) return formatDate(date, locale);
  const [unit, size] = UNITS.find(([, ms]) => elapsed >= ms)!;
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-Math.floor(elapsed / size), unit);
}

/** "25 Nov 2026" in the reader's locale. A date-only string (a due date) is that day where the reader is. */
export function formatDate(value: Date | string, locale = interfaceLocale()): string {
  const date = typeof value === 'string' ? new Date(`${value}T00:00:00`) : value;
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}

/** A day without the year ("25 Nov"), for chart axes; anything but a day as it is (a chart's empty label). */
export function formatDay(value: unknown, locale = interfaceLocale()): string {
  const date = typeof value === 'string' ? new Date(`${value}T00:00:00`) : null;
  if (!date || Number.isNaN(date.getTime())) return value === undefined || value === null ? '' : String(value);
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }).format(date);
}

export function formatDateTime(value: Date, locale = interfaceLocale()): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(value);
}

const DURATION_UNITS: Array<[string, number]> = [
  ['d', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
];

/**
 * "4 h 12 min": the largest unit and the next one (when not zero), rounded down; "—" when there
 * is nothing to measure. `units: 1` gives the largest only ("4 h"), for a chart's axis.
 */
export function formatDuration(seconds: number | null, units: 1 | 2 = 2): string {
  if (seconds === null) return '—';
  const whole = Math.floor(seconds);
  const largest = DURATION_UNITS.findIndex(([, size]) => whole >= size);
  if (largest === -1) return '0 s';
  const [unit, size] = DURATION_UNITS[largest]!;
  const parts = [`${Math.floor(whole / size)} ${unit}`];
  const next = DURATION_UNITS[largest + 1];
  if (units === 2 && next && Math.floor((whole % size) / next[1]) > 0) parts.push(`${Math.floor((whole % size) / next[1])} ${next[0]}`);
  return parts.join(' ');
}
