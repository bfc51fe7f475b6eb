import { Modal, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { fieldError } from '../api/errors';
import { DialogForm } from '../ui/dialog-form';

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
  return (
    <DialogForm
      onSubmit={() => onConfirm(reason)}
      onBack={onBack}
      backLabel="Back"
      submitLabel={confirmLabel}
      submitColor="red"
      pending={pending}
      error={error}
      fields={['reason']}
    >
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
    </DialogForm>
  );
}
