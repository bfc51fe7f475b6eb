import type { ServerResponse } from 'node:http';

/**
 * tRPC decodes the procedure path with decodeURIComponent and turns its URIError into a 500;
 * a path that cannot be decoded is the client's mistake. Answers 400 (in tRPC's error shape,
 * as superjson clients read it) and returns true for such a path.
 */
export function refusedMalformedPath(path: string, res: ServerResponse): boolean {
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    const message = 'The request path is not valid percent-encoding';
    const error = { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } };
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { json: error } }));
    return true;
  }
}
