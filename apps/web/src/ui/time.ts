const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "just now", "5 minutes ago", "yesterday"; a date past a week. */
export function timeAgo(date: Date, now: Date = new Date()): string {
  const elapsed = now.getTime() - date.getTime();
  if (elapsed < 60_000) return 'just now';
  if (elapsed >= 7 * 86_400_000) return formatDate(date);
  const [unit, size] = UNITS.find(([, ms]) => elapsed >= ms)!;
  return relative.format(-Math.floor(elapsed / size), unit);
}

/** "25 Nov 2026" in the reader's locale. A date-only string (a due date) is that day where the reader is. */
export function formatDate(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(`${value}T00:00:00`) : value;
  return date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(value: Date): string {
  return value.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
