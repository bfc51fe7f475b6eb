import { createHash, randomBytes } from 'node:crypto';

/**
 * How secrets made of 32 random bytes (API keys, stream tickets) are stored: their SHA-256,
 * base64url. Random secrets need no slow hash, so checking one costs nothing per call.
 */
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** `prefix` and 32 random bytes, base64url. */
export const newSecret = (prefix: string) => prefix + randomBytes(32).toString('base64url');
