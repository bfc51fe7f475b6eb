import type { IncomingMessage } from 'node:http';
import type { Refusal } from './refuse.js';

export interface HttpLimits {
  /** MAX_BODY_BYTES: also given to tRPC as `maxBodySize`, which stops bodies sent without a length. */
  maxBodyBytes: number;
  /** MAX_BATCH_CALLS: calls in one `?batch=1` request, GET or POST. */
  maxBatchCalls: number;
}

/**
 * A body declared larger than the cap, or a batch of too many calls, refused before anything is
 * read or run; the unread body is discarded by Node as it arrives, never buffered.
 */
export function limitRefusal(req: IncomingMessage, limits: HttpLimits): Refusal | null {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxBodyBytes) {
    return { code: 'PAYLOAD_TOO_LARGE', message: `The request body must be at most ${limits.maxBodyBytes} bytes; this one is ${declared}` };
  }
  const calls = batchCalls(req.url ?? '/');
  if (calls > limits.maxBatchCalls) {
    return { code: 'BAD_REQUEST', message: `A batch may hold at most ${limits.maxBatchCalls} calls; this one has ${calls}` };
  }
  return null;
}

/** tRPC's count: the comma-separated procedure paths of a `?batch=1` URL (commas may arrive as %2C). */
function batchCalls(url: string): number {
  const [path = '', query = ''] = url.split('?', 2);
  if (new URLSearchParams(query).get('batch') !== '1') return 1;
  return path.split(/,|%2C/i).length;
}
