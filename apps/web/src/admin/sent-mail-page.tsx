/** Every mail sent or kept, newest first; one opens as it was rendered (framed, sandboxed), as text, and its headers. */
import { Badge, Button, Card, Group, Modal, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { nextCursor } from '../api/paging';
import { trpc, type RouterOutputs } from '../api/trpc';
import type { PageProps } from '../shell/pages';
import { PageHeader } from '../ui/page-header';
import { Empty, LoadError, Loading } from '../ui/states';
import { formatDateTime } from '../ui/time';
import { AdminOnly } from './admin-only';

type Mail = RouterOutputs['admin']['sentMail']['items'][number];

export function SentMailPage({ user }: PageProps) {
  return (
    <AdminOnly user={user}>
      <PageHeader title="Sent mail" description="Every email sent, or kept when no SMTP server is set" />
      <SentMail />
    </AdminOnly>
  );
}

function SentMail() {
  const [to, setTo] = useState('');
  const [kind, setKind] = useState('');
  const [debouncedTo] = useDebouncedValue(to.trim(), 300);
  const [debouncedKind] = useDebouncedValue(kind.trim(), 300);
  const [opened, setOpened] = useState<number | null>(null);
  const mail = trpc.admin.sentMail.useInfiniteQuery(
    { limit: 25, to: debouncedTo || undefined, kind: debouncedKind || undefined },
    { getNextPageParam: nextCursor },
  );
  const rows = mail.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack>
      <Group align="flex-end" gap="sm">
        <TextInput label="To" placeholder="Part of an address" value={to} onChange={(event) => setTo(event.currentTarget.value)} w={{ base: '100%', xs: 260 }} />
        <TextInput label="Kind" placeholder="All kinds (or e.g. notification)" value={kind} onChange={(event) => setKind(event.currentTarget.value)} w={{ base: '100%', xs: 240 }} />
      </Group>
      {mail.error ? (
        <LoadError error={mail.error} onRetry={() => void mail.refetch()} />
      ) : !mail.data ? (
        <Loading label="Loading mail…" />
      ) : rows.length === 0 ? (
        <Empty title="No mail" description="Nothing was sent that matches." />
      ) : (
        <MailList rows={rows} onOpen={setOpened} />
      )}
      {mail.hasNextPage && (
        <Button variant="default" onClick={() => void mail.fetchNextPage()} loading={mail.isFetchingNextPage} w="fit-content">
          Load more
        </Button>
      )}
      <MailDialog id={opened} onClose={() => setOpened(null)} />
    </Stack>
  );
}

function StatusBadge({ mail }: { mail: Mail }) {
  return (
    <Badge variant="light" color={mail.status === 'sent' ? 'teal' : 'yellow'}>
      {mail.status}
    </Badge>
  );
}

/** A table where there is room, cards on a phone. */
function MailList({ rows, onOpen }: { rows: Mail[]; onOpen(id: number): void }) {
  const phone = useMediaQuery('(max-width: 48em)');
  if (phone) {
    return (
      <Stack gap="xs" data-testid="mail-list">
        {rows.map((mail) => (
          <Card key={mail.id} withBorder padding="sm" onClick={() => onOpen(mail.id)} style={{ cursor: 'pointer' }} data-testid="mail-row">
            <Text fw={500} lineClamp={2}>
              {mail.subject}
            </Text>
            <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {mail.to}
            </Text>
            <Group gap="xs" mt={4}>
              <Text size="xs" c="dimmed">
                {formatDateTime(mail.createdAt)}
              </Text>
              <Badge variant="outline" size="sm">
                {mail.kind}
              </Badge>
              <Badge variant="outline" size="sm" color="gray">
                {mail.transport ?? '—'}
              </Badge>
              <StatusBadge mail={mail} />
            </Group>
          </Card>
        ))}
      </Stack>
    );
  }
  return (
    <Table highlightOnHover data-testid="mail-list">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>To</Table.Th>
          <Table.Th>Subject</Table.Th>
          <Table.Th>Kind</Table.Th>
          <Table.Th>Transport</Table.Th>
          <Table.Th>Status</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((mail) => (
          <Table.Tr key={mail.id} onClick={() => onOpen(mail.id)} style={{ cursor: 'pointer' }} data-testid="mail-row">
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(mail.createdAt)}</Table.Td>
            <Table.Td>{mail.to}</Table.Td>
            <Table.Td>
              <Button variant="subtle" size="compact-sm" onClick={() => onOpen(mail.id)} styles={{ label: { whiteSpace: 'normal', textAlign: 'left' } }}>
                {mail.subject}
              </Button>
            </Table.Td>
            <Table.Td>{mail.kind}</Table.Td>
            <Table.Td>{mail.transport ?? '—'}</Table.Td>
            <Table.Td>
              <StatusBadge mail={mail} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function MailDialog({ id, onClose }: { id: number | null; onClose(): void }) {
  const phone = useMediaQuery('(max-width: 48em)');
  const mail = trpc.admin.sentMailById.useQuery({ id: id ?? 1 }, { enabled: id !== null });
  return (
    <Modal opened={id !== null} onClose={onClose} title={mail.data?.subject ?? 'Mail'} size="xl" fullScreen={phone} data-testid="mail-dialog">
      {mail.error ? (
        <LoadError error={mail.error} />
      ) : !mail.data || mail.data.id !== id ? (
        <Loading label="Loading mail…" />
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            To {mail.data.to} · {formatDateTime(mail.data.createdAt)} · {mail.data.kind} · {mail.data.transport ?? 'not sent yet'}
          </Text>
          <Tabs defaultValue="rendered" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="rendered">Rendered</Tabs.Tab>
              <Tabs.Tab value="text">Plain text</Tabs.Tab>
              <Tabs.Tab value="headers">Headers</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="rendered" pt="sm">
              {/* Sandboxed without scripts or same-origin; the page has its own CSP (server: http/mail-preview.ts). */}
              <iframe
                sandbox=""
                src={`/admin/mail/${mail.data.id}.html`}
                title={`The mail “${mail.data.subject}” as sent`}
                style={{ width: '100%', height: phone ? '70vh' : 520, border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, background: 'white' }}
                data-testid="mail-frame"
              />
            </Tabs.Panel>
            <Tabs.Panel value="text" pt="sm">
              <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 }} data-testid="mail-text">
                {mail.data.text}
              </Text>
            </Tabs.Panel>
            <Tabs.Panel value="headers" pt="sm">
              <Stack gap={6} data-testid="mail-headers">
                {Object.entries({ 'Message-ID': mail.data.messageId ?? '—', ...mail.data.headers }).map(([name, value]) => (
                  <div key={name}>
                    <Text size="xs" fw={600}>
                      {name}
                    </Text>
                    <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {value}
                    </Text>
                  </div>
                ))}
              </Stack>
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Modal>
  );
}
