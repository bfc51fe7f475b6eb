import { useRef } from 'react';

/** crypto.randomUUID needs a secure context; getRandomValues works everywhere (plain-HTTP deployments too). */
export function newIdempotencyKey(random: Pick<Crypto, 'getRandomValues'> & Partial<Pick<Crypto, 'randomUUID'>> = crypto): string {
  if (typeof random.randomUUID === 'function') return random.randomUUID();
  const bytes = random.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface Submission {
  input: string;
  key: string;
}

/** The submission `input` makes after `last`: the same key when the same input is sent again, else a new one. */
export function nextSubmission(last: Submission | null, input: object, newKey = newIdempotencyKey): Submission {
  const submitted = JSON.stringify(input);
  return last?.input === submitted ? last : { input: submitted, key: newKey() };
}

/**
 * Adds an idempotencyKey to a form's submission, so the server does it once however often it
 * is sent: the same key while the form submits the same input (a retry after an error or a lost
 * answer), a new one once the input changes. A form starts with no key, so each opening of a
 * dialog (which mounts its form afresh) is a new submission.
 */
export function useIdempotencyKey() {
  const last = useRef<Submission | null>(null);
  return <Input extends object>(input: Input): Input & { idempotencyKey: string } => {
    last.current = nextSubmission(last.current, input);
    return { ...input, idempotencyKey: last.current.key };
  };
}
