import { useRef } from 'react';

/** crypto.randomUUID needs a secure context; getRandomValues works everywhere (plain-HTTP deployments too). */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Adds an idempotencyKey to a form's submission, so the server does it once however often it
 * is sent: the same key while the form submits the same input (a retry after an error or a lost
 * answer), a new one once the input changes. A form starts with no key, so each opening of a
 * dialog (which mounts its form afresh) is a new submission.
 */
export function useIdempotencyKey() {
  const last = useRef<{ input: string; key: string } | null>(null);
  return <Input extends object>(input: Input): Input & { idempotencyKey: string } => {
    const submitted = JSON.stringify(input);
    if (last.current?.input !== submitted) last.current = { input: submitted, key: newKey() };
    return { ...input, idempotencyKey: last.current.key };
  };
}
