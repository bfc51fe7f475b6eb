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
import { useRowDialog } from '../ui/row-dialog';
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
  const changes = useUserChanges();
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
        <UserList users={shown} all={all} meId={meId} onChoose={changes.choose} />
      )}
      <NewUserDialog
        opened={creating}
        onClose={() => setCreating(false)}
        users={all}
        pending={create.isPending}
        error={create.error}
        onSubmit={(values) => create.mutate(once(values))}
      />
      <UserDialogs changes={changes} all={all} />
    </>
  );
}

/** A table where there is room, cards on a phone (so the rows hold no dialog: see useRowDialog). */
function UserList({ users, all, meId, onChoose }: { users: User[]; all: User[]; meId: number; onChoose: Choose }) {
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
              <UserMenu user={person} isMe={person.id === meId} onChoose={onChoose} />
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
              <UserMenu user={person} isMe={person.id === meId} onChoose={onChoose} />
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

type Choice = 'edit' | 'password' | 'deactivate' | 'reactivate';
type Choose = (choice: Choice, user: User) => void;

function UserMenu({ user, isMe, onChoose }: { user: User; isMe: boolean; onChoose: Choose }) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="compact-sm" variant="default" aria-label={`Actions for ${user.name}`}>
          Manage
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onChoose('edit', user)}>Edit</Menu.Item>
        <Menu.Item onClick={() => onChoose('password', user)}>Set a new password</Menu.Item>
        {user.active ? (
          <Menu.Item color="red" disabled={isMe} onClick={() => onChoose('deactivate', user)}>
            Deactivate
          </Menu.Item>
        ) : (
          <Menu.Item onClick={() => onChoose('reactivate', user)}>Reactivate</Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

/** The row menus' dialogs and changes, held by the page (useRowDialog says why). */
function useUserChanges() {
  const open = useRowDialog<Exclude<Choice, 'reactivate'>, User>();
  const utils = trpc.useUtils();
  const once = useIdempotencyKey();
  const done = (title: string) => (saved: User) => {
    open.close();
    notifications.show({ color: 'teal', title, message: saved.name });
    void utils.users.list.invalidate();
  };
  const update = trpc.users.update.useMutation({ onSuccess: done('User saved') });
  const setActive = trpc.users.update.useMutation({
    onSuccess: (saved) => done(saved.active ? 'User reactivated' : 'User deactivated')(saved),
    onError: (error) => notifications.show({ color: 'red', title: 'Could not change the user', message: errorMessage(error) }),
  });
  const resetPassword = trpc.users.resetPassword.useMutation({ onSuccess: done('Password set') });
  const choose: Choose = (choice, user) => {
    if (choice === 'reactivate') return setActive.mutate({ id: user.id, active: true });
    update.reset();
    resetPassword.reset();
    open.show(choice, user);
  };
  return { open, choose, update, setActive, resetPassword, once };
}

function UserDialogs({ changes, all }: { changes: ReturnType<typeof useUserChanges>; all: User[] }) {
  const { open, update, setActive, resetPassword, once } = changes;
  const { row: user, close } = open;
  if (!user) return null;
  return (
    <>
      {/* Keyed by the person: opening another one's dialog starts from their values, not the last form's. */}
      <EditUserDialog
        key={`edit-${user.id}`}
        user={user}
        users={all}
        opened={open.dialog === 'edit'}
        onClose={close}
        pending={update.isPending}
        error={update.error}
        onSubmit={(values) => update.mutate({ id: user.id, ...values })}
      />
      <ResetPasswordDialog
        key={`password-${user.id}`}
        user={user}
        opened={open.dialog === 'password'}
        onClose={close}
        pending={resetPassword.isPending}
        error={resetPassword.error}
        onSubmit={({ password }) => resetPassword.mutate(once({ id: user.id, password }))}
      />
      <ConfirmDialog
        opened={open.dialog === 'deactivate'}
        title={`Deactivate ${user.name}?`}
        confirmLabel="Deactivate"
        pending={setActive.isPending}
        onConfirm={() => setActive.mutate({ id: user.id, active: false })}
        onClose={close}
      >
        They are signed out everywhere at once and cannot sign in until reactivated. Their goals and history stay.
      </ConfirmDialog>
    </>
  );
}
