/**
 * The services' API keys: each with its scopes, last use and state. Create (the secret is shown
 * once), edit name and scopes, rotate (a new secret, shown once; the old one refused at once), revoke.
 */
import { Badge, Button, Card, Code, Group, Menu, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage } from '../api/errors';
import { trpc, type RouterOutputs } from '../api/trpc';
import type { PageProps } from '../shell/pages';
import { PageHeader } from '../ui/page-header';
import { useRowDialog } from '../ui/row-dialog';
import { Empty, LoadError, Loading } from '../ui/states';
import { formatDateTime, timeAgo } from '../ui/time';
import { AdminOnly } from './admin-only';
import { ConfirmDialog, KeyFormDialog, SecretDialog } from './api-key-dialogs';

type ApiKey = RouterOutputs['apiKeys']['list'][number];

export function ApiKeysPage({ user }: PageProps) {
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null);
  const utils = trpc.useUtils();
  const create = trpc.apiKeys.create.useMutation({
    onSuccess: (key) => {
      setCreating(false);
      setShown({ name: key.name, secret: key.secret });
      void utils.apiKeys.list.invalidate();
    },
  });
  const changes = useKeyChanges(setShown);
  return (
    <AdminOnly user={user}>
      <PageHeader
        title="API keys"
        description="Keys that let other services call the API, each limited to its scopes"
        action={
          <Button onClick={() => (create.reset(), setCreating(true))} data-testid="new-api-key">
            New key
          </Button>
        }
      />
      <KeyList onChoose={changes.choose} />
      <KeyFormDialog
        title="New API key"
        opened={creating}
        onClose={() => setCreating(false)}
        initial={{ name: '', scopes: [] }}
        submitLabel="Create key"
        pending={create.isPending}
        error={create.error}
        onSubmit={(values) => create.mutate(values)}
      />
      <KeyDialogs changes={changes} />
      <SecretDialog secret={shown?.secret ?? null} keyName={shown?.name ?? ''} onClose={() => setShown(null)} />
    </AdminOnly>
  );
}

/** A table where there is room, cards on a phone (so the rows hold no dialog: see useRowDialog). */
function KeyList({ onChoose }: { onChoose: Choose }) {
  const keys = trpc.apiKeys.list.useQuery();
  const phone = useMediaQuery('(max-width: 48em)');
  if (keys.error) return <LoadError error={keys.error} onRetry={() => void keys.refetch()} />;
  if (!keys.data) return <Loading label="Loading keys…" />;
  if (keys.data.length === 0) return <Empty title="No API keys yet" description="Create one for each service that calls the API." />;
  if (phone) {
    return (
      <Stack gap="xs" data-testid="api-key-list">
        {keys.data.map((key) => (
          <Card key={key.id} withBorder padding="sm" data-testid="api-key-row">
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <div>
                <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
                  {key.name}
                </Text>
                <Code>{key.hint}…</Code> <State apiKey={key} />
              </div>
              <KeyMenu apiKey={key} onChoose={onChoose} />
            </Group>
            <Scopes apiKey={key} />
            <Text size="xs" c="dimmed" mt={4}>
              Last used {key.lastUsedAt ? timeAgo(key.lastUsedAt) : 'never'} · created {formatDateTime(key.createdAt)}
              {key.createdBy && ` by ${key.createdBy.name}`}
            </Text>
          </Card>
        ))}
      </Stack>
    );
  }
  return (
    <Table data-testid="api-key-list" verticalSpacing="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Scopes</Table.Th>
          <Table.Th>Last used</Table.Th>
          <Table.Th>Created</Table.Th>
          <Table.Th>State</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {keys.data.map((key) => (
          <Table.Tr key={key.id} data-testid="api-key-row">
            <Table.Td>
              <Text fw={500}>{key.name}</Text>
              <Code>{key.hint}…</Code>
            </Table.Td>
            <Table.Td maw={320}>
              <Scopes apiKey={key} />
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }} title={key.lastUsedAt ? formatDateTime(key.lastUsedAt) : undefined}>
              {key.lastUsedAt ? timeAgo(key.lastUsedAt) : 'Never'}
            </Table.Td>
            <Table.Td>
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {formatDateTime(key.createdAt)}
              </Text>
              {key.createdBy && (
                <Text size="xs" c="dimmed">
                  by {key.createdBy.name}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <State apiKey={key} />
            </Table.Td>
            <Table.Td>
              <KeyMenu apiKey={key} onChoose={onChoose} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Scopes({ apiKey }: { apiKey: ApiKey }) {
  return (
    <Group gap={4}>
      {apiKey.scopes.map((scope) => (
        <Badge key={scope} variant="light" color={apiKey.revokedAt ? 'gray' : 'indigo'} tt="none">
          {scope}
        </Badge>
      ))}
    </Group>
  );
}

function State({ apiKey }: { apiKey: ApiKey }) {
  return apiKey.revokedAt ? (
    <Badge color="red" variant="light" title={`Revoked ${formatDateTime(apiKey.revokedAt)}`} data-testid="api-key-state">
      Revoked
    </Badge>
  ) : (
    <Badge color="teal" variant="light" data-testid="api-key-state">
      Active
    </Badge>
  );
}

type Choice = 'edit' | 'rotate' | 'revoke';
type Choose = (choice: Choice, apiKey: ApiKey) => void;

/** Edit, rotate and revoke a live key; a revoked one stays listed, for the record, with none. */
function KeyMenu({ apiKey, onChoose }: { apiKey: ApiKey; onChoose: Choose }) {
  if (apiKey.revokedAt) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="compact-sm" variant="default" aria-label={`Actions for ${apiKey.name}`} data-testid="api-key-actions">
          Manage
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onChoose('edit', apiKey)}>Edit name and scopes</Menu.Item>
        <Menu.Item onClick={() => onChoose('rotate', apiKey)}>Rotate secret</Menu.Item>
        <Menu.Item color="red" onClick={() => onChoose('revoke', apiKey)}>
          Revoke
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The row menus' dialogs and changes, held by the page (useRowDialog says why). */
function useKeyChanges(onSecret: (shown: { name: string; secret: string }) => void) {
  const open = useRowDialog<Choice, ApiKey>();
  const utils = trpc.useUtils();
  const done = (title: string, key: ApiKey) => {
    open.close();
    notifications.show({ color: 'teal', title, message: key.name });
    void utils.apiKeys.list.invalidate();
  };
  const failed = (title: string) => (error: unknown) => notifications.show({ color: 'red', title, message: errorMessage(error) });
  const update = trpc.apiKeys.update.useMutation({ onSuccess: (key) => done('Key saved', key) });
  const rotate = trpc.apiKeys.rotate.useMutation({
    onSuccess: (key) => {
      done('Key rotated', key);
      onSecret({ name: key.name, secret: key.secret });
    },
    onError: failed('Could not rotate the key'),
  });
  const revoke = trpc.apiKeys.revoke.useMutation({ onSuccess: (key) => done('Key revoked', key), onError: failed('Could not revoke the key') });
  const choose: Choose = (choice, apiKey) => {
    update.reset();
    open.show(choice, apiKey);
  };
  return { open, choose, update, rotate, revoke };
}

function KeyDialogs({ changes }: { changes: ReturnType<typeof useKeyChanges> }) {
  const { open, update, rotate, revoke } = changes;
  const { row: apiKey, close } = open;
  if (!apiKey) return null;
  return (
    <>
      {/* Keyed by the key: opening another one's form starts from its values, not the last form's. */}
      <KeyFormDialog
        key={apiKey.id}
        title={`Edit ${apiKey.name}`}
        opened={open.dialog === 'edit'}
        onClose={close}
        initial={{ name: apiKey.name, scopes: apiKey.scopes }}
        submitLabel="Save"
        pending={update.isPending}
        error={update.error}
        onSubmit={(values) => update.mutate({ id: apiKey.id, ...values })}
      />
      <ConfirmDialog
        opened={open.dialog === 'rotate'}
        title={`Rotate the key for ${apiKey.name}?`}
        confirmLabel="Rotate"
        pending={rotate.isPending}
        onConfirm={() => rotate.mutate({ id: apiKey.id })}
        onClose={close}
      >
        The key gets a new secret, shown once. The current one stops working at once: the service is refused until it has the new one.
      </ConfirmDialog>
      <ConfirmDialog
        opened={open.dialog === 'revoke'}
        title={`Revoke the key for ${apiKey.name}?`}
        confirmLabel="Revoke"
        pending={revoke.isPending}
        onConfirm={() => revoke.mutate({ id: apiKey.id })}
        onClose={close}
      >
        Calls with this key are refused from now on. This cannot be undone; the key stays listed for the record.
      </ConfirmDialog>
    </>
  );
}
