import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

/** A hash of a password nobody knows: verifying against it costs as much as a real check. */
const DECOY_HASH = hash('decoy-password-that-never-matches', OPTIONS);

/**
 * Checks a password. With no stored hash (unknown email) it still spends the same time,
 * so response times do not reveal whether an account exists.
 */
export async function verifyPassword(storedHash: string | null, plain: string): Promise<boolean> {
  const target = storedHash ?? (await DECOY_HASH);
  try {
    const matches = await verify(target, plain);
    return matches && storedHash !== null;
  } catch {
    return false; // a malformed stored hash never matches
  }
}
