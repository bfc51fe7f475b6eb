import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useApi } from '../api/api-provider';
import { errorMessage } from '../api/errors';
import { trpc } from '../api/trpc';
import { Link } from 'wouter';
import { hasPermission, type SignedInUser } from '../auth/user';
import { DesktopNotificationsItem } from '../notifications/desktop-notifications-item';
import { ColorSchemeItems } from './color-scheme-items';
import { MENU_PAGES } from './pages';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

export function UserMenu({ user }: { user: SignedInUser }) {
  const { restart } = useApi();
  // Over HTTP, so the response can clear the cookie; then a new, anonymous connection.
  const logout = trpc.auth.logout.useMutation({
    onSuccess: restart,
    onError: (error) => notifications.show({ color: 'red', title: 'Could not sign out', message: errorMessage(error) }),
  });

  return (
    <Menu position="bottom-end" width={260} withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${user.name}`} data-testid="user-menu">
          <Group gap="xs" wrap="nowrap">
            <Avatar color="indigo" radius="xl" size="md">
              {initials(user.name)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" data-testid="user-name">
              {user.name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          Signed in as {user.name}
          <br />
          {user.email}
        </Menu.Label>
        <DesktopNotificationsItem />
        {MENU_PAGES.filter((page) => !page.adminOnly).map(({ href, label }) => (
          <Menu.Item key={href} component={Link} href={href}>
            {label}
          </Menu.Item>
        ))}
        {hasPermission(user, 'admin') && (
          <>
            <Menu.Divider />
            <Menu.Label>Administration</Menu.Label>
            {MENU_PAGES.filter((page) => page.adminOnly).map(({ href, label }) => (
              <Menu.Item key={href} component={Link} href={href}>
                {label}
              </Menu.Item>
            ))}
          </>
        )}
        <Menu.Divider />
        <ColorSchemeItems />
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => logout.mutate()} disabled={logout.isPending}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
