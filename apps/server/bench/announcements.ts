/**
 * Stream-head announcements (`pms_user_events`: `{ h: [[userId, headSeq], …] }`) as the bench
 * stamps them where they are heard (its own listener, notify-probe-process.ts; the servers'
 * listeners, server-process.ts): flat triples (user id, head seq, ms on the shared clock).
 */

/** Appends one triple per head the payload announces, all heard at `at`; a payload without heads adds none. */
export function recordHeads(into: number[], payload: string | undefined, at: number): void {
  const { h } = JSON.parse(payload || '{}') as { h?: Array<[number, number]> };
  for (const [userId, seq] of h ?? []) into.push(userId, seq, at);
}

/** The triples looked up by user and seq: the earliest when heard more than once. */
export function lookUpArrivals(triples: number[]): (userId: number, seq: number) => number | undefined {
  const at = new Map<string, number>();
  for (let i = 0; i < triples.length; i += 3) {
    const id = `${triples[i]}:${triples[i + 1]}`;
    const heard = triples[i + 2]!;
    if (!(at.get(id)! <= heard)) at.set(id, heard);
  }
  return (userId, seq) => at.get(`${userId}:${seq}`);
}
