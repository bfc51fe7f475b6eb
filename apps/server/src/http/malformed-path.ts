import type { Refusal } from './refuse.js';

/**
 * tRPC decodes the procedure path with decodeURIComponent and turns its URIError into a 500;
 * a path that cannot be decoded is the client's mistake: 400.
 */
export function malformedPathRefusal(path: string): Refusal | null {
  try {
    decodeURIComponent(path);
    return null;
  } catch {
    return { code: 'BAD_REQUEST', message: 'The request path is not valid percent-encoding' };
  }
}
