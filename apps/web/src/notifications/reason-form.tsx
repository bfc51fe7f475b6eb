import { Button, Group, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { InlineError } from '../ui/states';

/**
 * Asks, in place, why a request is refused (a reason is required to reject or decline): one
 * reason, sent by `onSubmit` (for one goal, or for every goal of a group).
 */
export function ReasonForm({
  question,
  submitLabel,
  pending,
  error,
  onSubmit,
  onBack,
}: {
  question: string;
  submitLabel: string;
  pending: boolean;
  error?: string | null;
  onSubmit(reason: string): void;
  onBack(): void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Stack
      gap={6}
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(reason.trim());
      }}
    >
      <Textarea
        label={question}
        placeholder="The owner sees your reason"
        size="xs"
        autosize
        minRows={2}
        value={reason}
        onChange={(event) => setReason(event.currentTarget.value)}
        data-autofocus
        autoFocus
        required
      />
      <Group gap="xs">
        <Button type="submit" size="compact-sm" color="red" loading={pending} disabled={!reason.trim()}>
          {submitLabel}
        </Button>
        <Button size="compact-sm" variant="subtle" color="gray" onClick={onBack}>
          Back
        </Button>
      </Group>
      <InlineError error={error} />
    </Stack>
  );
}
