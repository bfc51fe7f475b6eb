import { Button, Group, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { formError } from '../api/errors';
import { InlineError } from './states';

interface DialogFormProps {
  children: ReactNode;
  onSubmit(): void;
  onBack(): void;
  /** "Back" where "Cancel" could be read as the action itself (e.g. "Cancel goal"). */
  backLabel?: string;
  submitLabel: string;
  submitColor?: string;
  pending: boolean;
  /** The mutation's error: what `fields` do not show beside themselves appears above the buttons. */
  error: unknown;
  fields: readonly string[];
}

/** The body of every form dialog: its fields, the error for the form as a whole, then back and submit. */
export function DialogForm({ children, onSubmit, onBack, backLabel = 'Cancel', submitLabel, submitColor, pending, error, fields }: DialogFormProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {children}
        <InlineError error={formError(error, fields)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onBack}>
            {backLabel}
          </Button>
          <Button type="submit" color={submitColor} loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
