import { Button, Group, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/errors';
import { InlineError } from '../ui/states';
import type { NotificationItem } from './types';
import { useSetArchived, useSetRead } from './use-notification-cache';

/**
 * What a person can do to one notification wherever it is listed: read or unread it, archive
 * or bring it back. `extra`: more buttons.
 */
export function ItemControls({ item, extra }: { item: NotificationItem; extra?: ReactNode }) {
  const setRead = useSetRead();
  const setArchived = useSetArchived();
  const failed = [setRead, setArchived].find((mutation) => mutation.error)?.error;
  const named = (verb: string) => `${verb} "${item.title}"`;

  return (
    <Stack gap={2}>
      <Group gap={4}>
        {item.readAt ? (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setRead.mutate({ ids: [item.id], read: false })} aria-label={named('Mark') + ' as unread'}>
            Mark unread
          </Button>
        ) : (
          <Button size="compact-xs" variant="subtle" onClick={() => setRead.mutate({ ids: [item.id], read: true })} aria-label={named('Mark') + ' as read'}>
            Mark read
          </Button>
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
      <InlineError error={failed && errorMessage(failed)} />
    </Stack>
  );
}
