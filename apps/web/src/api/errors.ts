import { TRPCClientError } from '@trpc/client';

export const UNREACHABLE = 'Cannot reach the server. Check your connection and try again.';

/** The server's own message when there is one (it names the bad field), else a plain fallback. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (isUnreachable(error)) return UNREACHABLE;
    if (error.data?.code === 'INTERNAL_SERVER_ERROR') return 'Something went wrong on the server. Try again.';
    return error.message;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data?.code as string | undefined) : undefined;
}

export const isUnauthorized = (error: unknown) => errorCode(error) === 'UNAUTHORIZED';

/**
 * The server's message for one input field: from zod's `fieldErrors`, or a message the server
 * begins with the field's name ("supervisorId: …", "dueDate must not be in the past"). Lets a form show it beside that field.
 */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const fromZod = fieldErrorsOf(error)[field];
  if (fromZod) return fromZod;
  return error.message.startsWith(`${field}: `) || error.message.startsWith(`${field} must `) ? error.message : undefined;
}

/** What `fields` do not show already of the error: the message for the form as a whole. */
export function formError(error: unknown, fields: readonly string[]): string | undefined {
  if (!error) return undefined;
  if (!fields.some((field) => fieldError(error, field))) return errorMessage(error);
  const others = Object.entries(fieldErrorsOf(error)).filter(([field]) => !fields.includes(field));
  return others.length ? others.map(([, message]) => message).join('; ') : undefined;
}

/** zod's messages per input path (`categories.goals.emailTiming`), as the server sends them. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof TRPCClientError ? ((error.data?.fieldErrors as Record<string, string> | undefined) ?? {}) : {};
}

/** No answer at all: the request never reached the server (fetch rejects with a TypeError, "Failed to fetch" in Chromium). */
function isUnreachable(error: TRPCClientError<never>): boolean {
  return !error.data && error.cause instanceof TypeError;
}
