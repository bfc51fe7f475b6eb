import { Badge } from '@mantine/core';
import { useSyncExternalStore } from 'react';
import { useApi } from '../api/api-provider';
import type { ConnectionStatus } from '../api/connection-status';

const LOOK: Record<ConnectionStatus, { label: string; color: string }> = {
  connecting: { label: 'Connecting', color: 'gray' },
  connected: { label: 'Live', color: 'teal' },
  reconnecting: { label: 'Reconnecting', color: 'yellow' },
  offline: { label: 'Offline', color: 'red' },
};

/** Live state of the WebSocket that carries this browser's live updates (the leading tab's; see tab-leader.ts). */
export function ConnectionIndicator() {
  const shared = useApi().connection.status;
  const status = useSyncExternalStore(shared.subscribe, shared.getSnapshot);
  const { label, color } = LOOK[status];
  return (
    <Badge
      variant="dot"
      color={color}
      size="lg"
      role="status"
      aria-live="polite"
      aria-label={`Connection: ${label}`}
      title={status === 'connected' ? 'Connected: updates arrive live' : undefined}
      data-connection={status}
    >
      {label}
    </Badge>
  );
}
