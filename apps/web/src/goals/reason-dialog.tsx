import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldError, formError } from '../api/errors';
import { InlineError } from '../ui/states';

interface ReasonDialogProps {
  opened: boolean;
  onClose(): void;
  title: string;
  /** What the reason is for, shown above the field. */
  description?: string;
  confirmLabel: string;
  required: boolean;
  pending: boolean;
  error: unknown;
  onConfirm(reason: string): void;
}

/** Asks why (a rejection, a decline, a cancellation) and shows the server's answer beside the field. */
export function ReasonDialog({ opened, onClose, title, ...form }: ReasonDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      {/* Unmounted while closed: each opening starts with an empty reason. */}
      <ReasonForm {...form} onBack={onClose} />
    </Modal>
  );
}

type ReasonFormProps = Omit<ReasonDialogProps, 'opened' | 'onClose' | 'title'> & { onBack(): void };

function ReasonForm({ description, confirmLabel, required, pending, error, onConfirm, onBack }: ReasonFormProps) {
  const [reason, setReason] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onConfirm(reason);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {description && <Text size="sm">{description}</Text>}
        <Textarea
          label="Reason"
          description={required ? undefined : 'Optional'}
          required={required}
          autosize
          minRows={3}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          error={fieldError(error, 'reason')}
          data-autofocus
        />
        <InlineError error={formError(error, ['reason'])} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onBack}>
            Back
          </Button>
          <Button type="submit" color="red" loading={pending}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
