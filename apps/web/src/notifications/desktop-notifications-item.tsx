import { Menu } from '@mantine/core';
import { disableDesktopNotifications, enableDesktopNotifications, useDesktopNotifications } from './desktop';

const LABELS = {
  unsupported: 'Desktop notifications are not supported here',
  denied: 'Desktop notifications are blocked in browser settings',
  off: 'Turn on desktop notifications',
  on: 'Turn off desktop notifications',
} as const;

export function DesktopNotificationsItem() {
  const state = useDesktopNotifications();
  return (
    <Menu.Item
      disabled={state === 'unsupported' || state === 'denied'}
      onClick={() => (state === 'on' ? disableDesktopNotifications() : void enableDesktopNotifications())}
      data-testid="desktop-notifications"
      data-state={state}
    >
      {LABELS[state]}
    </Menu.Item>
  );
}
