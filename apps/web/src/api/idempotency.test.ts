import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idempotencyKey } from '@pms/shared';
import { newIdempotencyKey, nextSubmission } from './idempotency';

describe('idempotency keys of form submissions', () => {
  it('keeps the key while the same input is sent again, and takes a new one when it changes', () => {
    const first = nextSubmission(null, { id: 7, progress: 40 });
    expect(nextSubmission(first, { id: 7, progress: 40 }).key).toBe(first.key);
    const changed = nextSubmission(first, { id: 7, progress: 50 });
    expect(changed.key).not.toBe(first.key);
    expect(nextSubmission(changed, { id: 7, progress: 40 }).key).not.toBe(first.key);
  });

  it('makes keys the server accepts, also without crypto.randomUUID (plain HTTP)', () => {
    const insecure = { getRandomValues: webcrypto.getRandomValues.bind(webcrypto) } as Pick<Crypto, 'getRandomValues'>;
    const keys = Array.from({ length: 20 }, () => newIdempotencyKey(insecure));
    for (const key of [...keys, newIdempotencyKey()]) expect(idempotencyKey.parse(key)).toBe(key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
