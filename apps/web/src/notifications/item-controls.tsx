import { Button, Group, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../api/errors';
import { InlineError } from '../ui/states';
import { formatDateTime } from '../ui/time';
import { snoozeChoices } from './snooze';
import type { NotificationItem } from './types';
import { useSetArchived, useSetRead, useSnooze, useUnsnooze } from './use-notification-cache';

/**
 * What a person can do to one notification wherever it is listed: read or unread it, archive
 * or bring it back, snooze it (the choices open in place) or wake it. `extra`: more buttons.
 */
export function ItemControls({ item, extra }: { item: NotificationItem; extra?: ReactNode }) {
  const setRead = useSetRead();
  const setArchived = useSetArchived();
  const snooze = useSnooze();
  const unsnooze = useUnsnooze();
  const [choosing, setChoosing] = useState(false);
  const failed = [setRead, setArchived, snooze, unsnooze].find((mutation) => mutation.error)?.error;
  const named = (verb: string) => `${verb} "${item.title}"`;

  if (choosing) {
    return (
      <Group gap={4} role="group" aria-label={named('Snooze')}>
        <Text size="xs" c="dimmed">
          Snooze until
        </Text>
        {snoozeChoices().map((choice) => (
          <Button
            key={choice.label}
            size="compact-xs"
            variant="light"
            onClick={() => {
              setChoosing(false);
              snooze.mutate({ id: item.id, until: choice.until });
            }}
          >
            {choice.label}
          </Button>
        ))}
        <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setChoosing(false)}>
          Back
        </Button>
      </Group>
    );
  }

  return (
    <Stack gap={2}>
      <Group gap={4}>
        {/* A decided request counts as read and is done with: no read toggle, no snooze. */}
        {item.resolvedAt ? null : item.readAt ? (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setRead.mutate({ ids: [item.id], read: false })} aria-label={named('Mark') + ' as unread'}>
            Mark unread
          </Button>
        ) : (
          <Button size="compact-xs" variant="subtle" onClick={() => setRead.mutate({ ids: [item.id], read: true })} aria-label={named('Mark') + ' as read'}>
            Mark read
          </Button>
        )}
        {item.snoozedUntil ? (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => unsnooze.mutate({ id: item.id })} aria-label={named('Unsnooze')}>
            Unsnooze
          </Button>
        ) : (
          !item.archivedAt &&
          !item.resolvedAt && (
            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setChoosing(true)} aria-label={named('Snooze')}>
              Snooze
            </Button>
          )
        )}
        <Button
          size="compact-xs"
          variant="subtle"
          color="gray"
          onClick={() => setArchived.mutate({ ids: [item.id], archived: !item.archivedAt })}
          aria-label={named(item.archivedAt ? 'Unarchive' : 'Archive')}
        >
          {item.archivedAt ? 'Unarchive' : 'Archive'}
        </Button>
        {extra}
      </Group>
      {item.snoozedUntil && (
        <Text size="xs" c="dimmed">
          Snoozed until {formatDateTime(item.snoozedUntil)}
        </Text>
      )}
      <InlineError error={failed && errorMessage(failed)} />
    </Stack>
  );
}
