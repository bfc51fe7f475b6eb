/**
 * The cause of an error the caller may retry after a while. The error formatter (trpc.ts) puts
 * `retryAfterSeconds` in the error's data, so clients need not parse the message.
 */
export class RetryLater extends Error {
  constructor(readonly seconds: number) {
    super(`retry in ${seconds} s`);
    this.name = 'RetryLater';
  }
}

/** "45 seconds", "12 minutes", "2 hours": rounded up, so the caller never retries too early. */
export function waitInWords(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 90 ? plural(minutes, 'minute') : plural(Math.ceil(minutes / 60), 'hour');
}
