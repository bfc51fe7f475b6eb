/**
 * Everyone who can sign in: search by name or email; create, edit (name, supervisor,
 * permissions), set a new password, deactivate and reactivate.
 */
import { Badge, Button, Card, Group, Menu, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { useIdempotencyKey } from '../api/idempotency';
import { trpc } from '../api/trpc';
import type { PageProps } from '../shell/pages';
import { PageHeader } from '../ui/page-header';
import { Empty, LoadError, Loading } from '../ui/states';
import { AdminOnly } from './admin-only';
import { ConfirmDialog } from './api-key-dialogs';
import { matchesSearch, PERMISSION_LABELS } from './org';
import { EditUserDialog, NewUserDialog, ResetPasswordDialog, type User } from './user-dialogs';

export function UsersPage({ user }: PageProps) {
  return (
    <AdminOnly user={user}>
      <Users meId={user.id} />
    </AdminOnly>
  );
}

function Users({ meId }: { meId: number }) {
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const users = trpc.users.list.useQuery();
  const utils = trpc.useUtils();
  const once = useIdempotencyKey();
  const create = trpc.users.create.useMutation({
    onSuccess: (created) => {
      setCreating(false);
      notifications.show({ color: 'teal', title: 'User created', message: `${created.name} can sign in now` });
      void utils.users.list.invalidate();
    },
  });
  const all = users.data ?? [];
  const shown = all.filter((person) => matchesSearch(person, search.trim()));
  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who can sign in, their supervisor and what they may do"
        action={<Button onClick={() => (create.reset(), setCreating(true))}>New user</Button>}
      />
      <TextInput
        label="Search users"
        placeholder="Name or email"
        type="search"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        mb="md"
        maw={420}
      />
      {users.error ? (
        <LoadError error={users.error} onRetry={() => void users.refetch()} />
      ) : !users.data ? (
        <Loading label="Loading users…" />
      ) : shown.length === 0 ? (
        <Empty title="Nobody matches" description="Try part of a name or an email address." />
      ) : (
        <UserList users={shown} all={all} meId={meId} />
      )}
      <NewUserDialog
        opened={creating}
        onClose={() => setCreating(false)}
        users={all}
        pending={create.isPending}
        error={create.error}
        onSubmit={(values) => create.mutate(once(values))}
      />
    </>
  );
}

function UserList({ users, all, meId }: { users: User[]; all: User[]; meId: number }) {
  const phone = useMediaQuery('(max-width: 48em)');
  const nameOf = (id: number | null) => (id === null ? null : (all.find((other) => other.id === id)?.name ?? `#${id}`));
  if (phone) {
    return (
      <Stack gap="xs" data-testid="user-list">
        {users.map((person) => (
          <Card key={person.id} withBorder padding="sm" data-testid="user-row">
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <div style={{ minWidth: 0 }}>
                <Text fw={500}>{person.name}</Text>
                <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {person.email}
                </Text>
              </div>
              <UserActions user={person} all={all} isMe={person.id === meId} />
            </Group>
            <Text size="sm" mt={4}>
              Supervisor: {nameOf(person.supervisorId) ?? 'nobody'}
            </Text>
            <Group gap={4} mt={4}>
              <State user={person} />
              <Permissions user={person} />
            </Group>
          </Card>
        ))}
      </Stack>
    );
  }
  return (
    <Table data-testid="user-list" verticalSpacing="sm" highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Supervisor</Table.Th>
          <Table.Th>Permissions</Table.Th>
          <Table.Th>State</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {users.map((person) => (
          <Table.Tr key={person.id} data-testid="user-row">
            <Table.Td>
              <Text fw={500}>{person.name}</Text>
              <Text size="sm" c="dimmed">
                {person.email}
              </Text>
            </Table.Td>
            <Table.Td>{nameOf(person.supervisorId) ?? <Text c="dimmed">Nobody</Text>}</Table.Td>
            <Table.Td maw={320}>
              <Permissions user={person} />
            </Table.Td>
            <Table.Td>
              <State user={person} />
            </Table.Td>
            <Table.Td>
              <UserActions user={person} all={all} isMe={person.id === meId} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Permissions({ user }: { user: User }) {
  if (user.permissions.length === 0) return <Text size="sm" c="dimmed">No permissions</Text>;
  return (
    <Group gap={4}>
      {user.permissions.map((permission) => (
        <Badge key={permission} variant="light" color={permission === 'admin' ? 'grape' : 'indigo'} tt="none">
          {PERMISSION_LABELS[permission]}
        </Badge>
      ))}
    </Group>
  );
}

function State({ user }: { user: User }) {
  return user.active ? (
    <Badge color="teal" variant="light" data-testid="user-state">
      Active
    </Badge>
  ) : (
    <Badge color="gray" variant="light" data-testid="user-state">
      Deactivated
    </Badge>
  );
}

type Dialog = 'edit' | 'password' | 'deactivate' | null;

function UserActions({ user, all, isMe }: { user: User; all: User[]; isMe: boolean }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const utils = trpc.useUtils();
  const once = useIdempotencyKey();
  const done = (title: string) => () => {
    setDialog(null);
    notifications.show({ color: 'teal', title, message: user.name });
    void utils.users.list.invalidate();
  };
  const update = trpc.users.update.useMutation({ onSuccess: done('User saved') });
  const setActive = trpc.users.update.useMutation({
    onSuccess: (saved) => done(saved.active ? 'User reactivated' : 'User deactivated')(),
    onError: (error) => notifications.show({ color: 'red', title: 'Could not change the user', message: errorMessage(error) }),
  });
  const resetPassword = trpc.users.resetPassword.useMutation({ onSuccess: done('Password set') });
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="compact-sm" variant="default" aria-label={`Actions for ${user.name}`}>
            Manage
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => (update.reset(), setDialog('edit'))}>Edit</Menu.Item>
          <Menu.Item onClick={() => (resetPassword.reset(), setDialog('password'))}>Set a new password</Menu.Item>
          {user.active ? (
            <Menu.Item color="red" disabled={isMe} onClick={() => setDialog('deactivate')}>
              Deactivate
            </Menu.Item>
          ) : (
            <Menu.Item onClick={() => setActive.mutate({ id: user.id, active: true })}>Reactivate</Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      <EditUserDialog
        user={user}
        users={all}
        opened={dialog === 'edit'}
        onClose={() => setDialog(null)}
        pending={update.isPending}
        error={update.error}
        onSubmit={(values) => update.mutate({ id: user.id, ...values })}
      />
      <ResetPasswordDialog
        user={user}
        opened={dialog === 'password'}
        onClose={() => setDialog(null)}
        pending={resetPassword.isPending}
        error={resetPassword.error}
        onSubmit={({ password }) => resetPassword.mutate(once({ id: user.id, password }))}
      />
      <ConfirmDialog
        opened={dialog === 'deactivate'}
        title={`Deactivate ${user.name}?`}
        confirmLabel="Deactivate"
        pending={setActive.isPending}
        onConfirm={() => setActive.mutate({ id: user.id, active: false })}
        onClose={() => setDialog(null)}
      >
        They are signed out everywhere at once and cannot sign in until reactivated. Their goals and history stay.
      </ConfirmDialog>
    </>
  );
}
