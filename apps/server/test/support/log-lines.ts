/** A server's log as a test reads it: every line written, and a wait for the line it expects. */
import { createLogger } from '@pms/api';
import { until } from './until.js';

export type LogLine = Record<string, any>;

/**
 * A logger (info and above) that keeps its lines in `written`, for `startTestServer({ log })`.
 * `lineWhere` waits for the first line that `matches`: a request's line is written when its
 * response ends, which may be just after the client has the answer.
 */
export function capturedLog(instanceId: string) {
  const written: string[] = [];
  const log = createLogger({ level: 'info', instanceId, destination: { write: (line: string) => void written.push(line) } });
  const lineWhere = (matches: (line: LogLine) => boolean) =>
    until(() => written.map((text) => JSON.parse(text) as LogLine).find(matches), `a line matching ${String(matches)} was logged`);
  return { log, written, lineWhere };
}
