import { Modal, NumberInput, Slider, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { fieldError } from '../api/errors';
import { useIdempotencyKey } from '../api/idempotency';
import { trpc } from '../api/trpc';
import { DialogForm } from '../ui/dialog-form';
import type { Goal } from './types';
import { useRefreshGoals } from './use-refresh-goals';

export function ProgressDialog({ goal, opened, onClose }: { goal: Goal; opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Update progress: ${goal.title}`} centered>
      {/* The modal unmounts its content when closed, so each opening starts fresh. */}
      <ProgressForm goal={goal} onDone={onClose} />
    </Modal>
  );
}

function ProgressForm({ goal, onDone }: { goal: Goal; onDone(): void }) {
  const [progress, setProgress] = useState(goal.progress);
  const [note, setNote] = useState('');
  const update = trpc.goals.updateProgress.useMutation({ onSuccess: useRefreshGoals(onDone) });
  const once = useIdempotencyKey();

  return (
    <DialogForm
      onSubmit={() => update.mutate(once({ id: goal.id, progress, note }))}
      onBack={onDone}
      backLabel="Back"
      submitLabel="Save progress"
      pending={update.isPending}
      error={update.error}
      fields={['progress', 'note']}
    >
      <NumberInput
        label="Progress (%)"
        min={0}
        max={100}
        clampBehavior="strict"
        allowDecimal={false}
        value={progress}
        onChange={(value) => setProgress(typeof value === 'number' ? value : Number(value) || 0)}
        error={fieldError(update.error, 'progress')}
        data-autofocus
      />
      <Slider aria-label="Progress slider" min={0} max={100} step={5} value={progress} onChange={setProgress} mb="sm" />
      {progress === 100 && (
        <Text size="sm" c="teal.8">
          Reaching 100% completes the goal.
        </Text>
      )}
      <Textarea
        label="Note"
        description="Optional: what moved"
        autosize
        minRows={2}
        value={note}
        onChange={(event) => setNote(event.currentTarget.value)}
        error={fieldError(update.error, 'note')}
      />
    </DialogForm>
  );
}
