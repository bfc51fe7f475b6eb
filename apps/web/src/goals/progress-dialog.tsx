import { Button, Group, Modal, NumberInput, Slider, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldError, formError } from '../api/errors';
import { trpc } from '../api/trpc';
import { InlineError } from '../ui/states';
import type { Goal } from './types';

export function ProgressDialog({ goal, opened, onClose }: { goal: Goal; opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Update progress: ${goal.title}`} centered>
      {/* The modal unmounts its content when closed, so each opening starts fresh. */}
      <ProgressForm goal={goal} onDone={onClose} />
    </Modal>
  );
}

function ProgressForm({ goal, onDone }: { goal: Goal; onDone(): void }) {
  const utils = trpc.useUtils();
  const [progress, setProgress] = useState(goal.progress);
  const [note, setNote] = useState('');
  const update = trpc.goals.updateProgress.useMutation({
    onSuccess: () => {
      void utils.goals.invalidate();
      onDone();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ id: goal.id, progress, note });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
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
        <InlineError error={formError(update.error, ['progress', 'note'])} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Back
          </Button>
          <Button type="submit" loading={update.isPending}>
            Save progress
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
