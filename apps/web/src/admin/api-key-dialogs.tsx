/** The API keys screen's dialogs: the key form (create, edit), the secret shown once, and a confirmation. */
import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { API_SCOPE_DESCRIPTIONS, API_SCOPES, createApiKeyInput, type ApiScope } from '@pms/shared';
import type { ReactNode } from 'react';
import { fieldError } from '../api/errors';
import { DialogForm } from '../ui/dialog-form';

export interface KeyValues {
  name: string;
  scopes: ApiScope[];
}

const FIELDS = ['name', 'scopes'] as const;

interface KeyFormDialogProps {
  title: string;
  opened: boolean;
  onClose(): void;
  initial: KeyValues;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit(values: KeyValues): void;
}

/** Name and scopes, checked here with the server's own schema first (the same messages, no round trip). */
export function KeyFormDialog({ title, opened, onClose, ...form }: KeyFormDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="lg">
      {/* Unmounted while closed: each opening starts from `initial`. */}
      <KeyForm {...form} onBack={onClose} />
    </Modal>
  );
}

function KeyForm({ initial, submitLabel, pending, error, onSubmit, onBack }: Omit<KeyFormDialogProps, 'title' | 'opened' | 'onClose'> & { onBack(): void }) {
  const form = useForm<KeyValues>({
    initialValues: initial,
    validate: (values) => {
      const parsed = createApiKeyInput.safeParse(values);
      return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
    },
  });
  return (
    <DialogForm onSubmit={() => form.onSubmit(onSubmit)()} onBack={onBack} submitLabel={submitLabel} pending={pending} error={error} fields={FIELDS}>
      <TextInput
        label="Name"
        description="The service the key is for; it names the key's calls in the logs"
        placeholder="Reviews module"
        required
        data-autofocus
        {...form.getInputProps('name')}
        error={form.errors.name ?? fieldError(error, 'name')}
      />
      <Checkbox.Group
        label="Scopes"
        description="What the key may do; it can call nothing else"
        required
        {...form.getInputProps('scopes')}
        error={form.errors.scopes ?? fieldError(error, 'scopes')}
      >
        <Stack gap="xs" mt="xs">
          {API_SCOPES.map((scope) => (
            <Checkbox key={scope} value={scope} label={<Code>{scope}</Code>} description={API_SCOPE_DESCRIPTIONS[scope]} />
          ))}
        </Stack>
      </Checkbox.Group>
    </DialogForm>
  );
}

/** The secret, once: it is stored only hashed, so closing this is the last anyone sees of it. */
export function SecretDialog({ secret, keyName, onClose }: { secret: string | null; keyName: string; onClose(): void }) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title={`The key for ${keyName}`} centered size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" title="You will not see it again">
          Copy the key now and keep it in the service's secret store. It is stored only in a form nobody can read back: if it is lost,
          rotate the key for a new one.
        </Alert>
        <Code block data-testid="api-key-secret" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
          {secret}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button variant="light" color={copied ? 'teal' : undefined} onClick={copy}>
                {copied ? 'Copied' : 'Copy key'}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>I have copied it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

interface ConfirmDialogProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pending: boolean;
  onConfirm(): void;
  onClose(): void;
}

export function ConfirmDialog({ opened, title, children, confirmLabel, pending, onConfirm, onClose }: ConfirmDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack>
        <Text size="sm">{children}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Back
          </Button>
          <Button color="red" loading={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
