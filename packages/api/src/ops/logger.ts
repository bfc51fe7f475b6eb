/**
 * The process's one logger: JSON lines (pino), each naming the instance. Built once by the server
 * and handed to everything that logs (ApiDeps.log, Realtime, RetentionJob); nothing logs through
 * `console`. Callers log ids, never credentials; the redaction below is the safety net.
 */
import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

/** Whatever a careless call might pass along: bodies, headers, connection params. */
const REDACTED_PATHS = ['password', 'token', 'authorization', 'cookie', 'connectionParams', 'input', 'headers']
  .flatMap((key) => [key, `*.${key}`]);

export interface LoggerOptions {
  level: LogLevel;
  instanceId: string;
  /** Where lines go (default stdout); tests pass a stream of their own to read them. */
  destination?: DestinationStream;
}

export function createLogger({ level, instanceId, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { instance: instanceId },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** For parts used on their own (a PgListener in a test): logs nothing. */
export const silentLogger = (): Logger => pino({ enabled: false });
