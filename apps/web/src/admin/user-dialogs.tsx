/**
 * The users screen's forms: a new user, a user's name, supervisor and permissions, and a new
 * password. Each is checked here with the server's own schema first (the same messages, no round
 * trip); what only the server knows (a supervisor cycle, a taken email, a common password) shows
 * beside its field as the server words it.
 */
import { Checkbox, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { schemaResolver, useForm, type UseFormReturnType } from '@mantine/form';
import { createUserInput, Permission, resetPasswordInput, updateUserInput } from '@pms/shared';
import { fieldError } from '../api/errors';
import type { RouterOutputs } from '../api/trpc';
import { DialogForm } from '../ui/dialog-form';
import { PERMISSION_LABELS } from './org';

export type User = RouterOutputs['users']['list'][number];

export interface ProfileValues {
  name: string;
  supervisorId: number | null;
  permissions: Permission[];
}

export interface NewUserValues extends ProfileValues {
  email: string;
  password: string;
}

interface FormDialogProps<Values> {
  opened: boolean;
  onClose(): void;
  pending: boolean;
  error: unknown;
  onSubmit(values: Values): void;
}

const NEW_USER_FIELDS = ['email', 'name', 'password', 'supervisorId', 'permissions'] as const;
const PROFILE_FIELDS = ['name', 'supervisorId', 'permissions'] as const;
const profileSchema = updateUserInput.pick({ name: true, supervisorId: true, permissions: true });
const passwordSchema = resetPasswordInput.pick({ password: true });

export function NewUserDialog({ opened, onClose, users, ...form }: FormDialogProps<NewUserValues> & { users: User[] }) {
  return (
    <Modal opened={opened} onClose={onClose} title="New user" centered size="lg">
      {/* Unmounted while closed: each opening starts empty. */}
      <NewUserForm {...form} users={users} onBack={onClose} />
    </Modal>
  );
}

function NewUserForm({ users, pending, error, onSubmit, onBack }: Omit<FormDialogProps<NewUserValues>, 'opened' | 'onClose'> & { users: User[]; onBack(): void }) {
  const form = useForm<NewUserValues>({
    initialValues: { email: '', name: '', password: '', supervisorId: null, permissions: [] },
    validate: schemaResolver(createUserInput, { sync: true }),
  });
  return (
    <DialogForm onSubmit={() => form.onSubmit(onSubmit)()} onBack={onBack} submitLabel="Create user" pending={pending} error={error} fields={NEW_USER_FIELDS}>
      <TextInput label="Email" type="email" required data-autofocus {...form.getInputProps('email')} error={form.errors.email ?? fieldError(error, 'email')} />
      <TextInput label="Name" required {...form.getInputProps('name')} error={form.errors.name ?? fieldError(error, 'name')} />
      <PasswordInput
        label="Password"
        description="At least 12 characters; tell it to the person, who signs in with it"
        required
        autoComplete="new-password"
        {...form.getInputProps('password')}
        error={form.errors.password ?? fieldError(error, 'password')}
      />
      <ProfileFields form={form} users={users} error={error} />
    </DialogForm>
  );
}

export function EditUserDialog({ user, opened, onClose, users, ...form }: FormDialogProps<ProfileValues> & { user: User; users: User[] }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Edit ${user.name}`} centered size="lg">
      <EditUserForm {...form} user={user} users={users} onBack={onClose} />
    </Modal>
  );
}

function EditUserForm({ user, users, pending, error, onSubmit, onBack }: Omit<FormDialogProps<ProfileValues>, 'opened' | 'onClose'> & { user: User; users: User[]; onBack(): void }) {
  const form = useForm<ProfileValues>({
    initialValues: { name: user.name, supervisorId: user.supervisorId, permissions: user.permissions },
    validate: schemaResolver(profileSchema, { sync: true }),
  });
  return (
    <DialogForm onSubmit={() => form.onSubmit(onSubmit)()} onBack={onBack} submitLabel="Save" pending={pending} error={error} fields={PROFILE_FIELDS}>
      <TextInput label="Email" value={user.email} readOnly variant="filled" />
      <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} error={form.errors.name ?? fieldError(error, 'name')} />
      <ProfileFields form={form} users={users.filter((other) => other.id !== user.id)} error={error} />
    </DialogForm>
  );
}

/** Supervisor and permissions, the same in both forms. */
function ProfileFields<Values extends ProfileValues>({ form, users, error }: { form: UseFormReturnType<Values>; users: User[]; error: unknown }) {
  const supervisor = form.getValues().supervisorId;
  // A deactivated supervisor cannot be chosen, but one already set still shows.
  const choices = users.filter((user) => user.active || user.id === supervisor);
  return (
    <Stack gap="md">
      <Select
        label="Supervisor"
        description="Approves this person's goals; leave empty for nobody (then administrators do)"
        placeholder="Nobody"
        searchable
        clearable
        nothingFoundMessage="Nobody by that name"
        data={choices.map((user) => ({ value: String(user.id), label: `${user.name} (${user.email})` }))}
        value={supervisor === null ? null : String(supervisor)}
        onChange={(value) => form.setFieldValue('supervisorId', (value === null ? null : Number(value)) as never)}
        comboboxProps={{ withinPortal: true }}
        error={form.errors.supervisorId ?? fieldError(error, 'supervisorId')}
      />
      <Checkbox.Group label="Permissions" {...form.getInputProps('permissions')} error={form.errors.permissions ?? fieldError(error, 'permissions')}>
        <Stack gap="xs" mt="xs">
          {Permission.options.map((permission) => (
            <Checkbox key={permission} value={permission} label={PERMISSION_LABELS[permission]} />
          ))}
        </Stack>
      </Checkbox.Group>
    </Stack>
  );
}

export function ResetPasswordDialog({ user, opened, onClose, ...form }: FormDialogProps<{ password: string }> & { user: User }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`New password for ${user.name}`} centered>
      <ResetPasswordForm {...form} onBack={onClose} />
    </Modal>
  );
}

function ResetPasswordForm({ pending, error, onSubmit, onBack }: Omit<FormDialogProps<{ password: string }>, 'opened' | 'onClose'> & { onBack(): void }) {
  const form = useForm({ initialValues: { password: '' }, validate: schemaResolver(passwordSchema, { sync: true }) });
  return (
    <DialogForm onSubmit={() => form.onSubmit(onSubmit)()} onBack={onBack} submitLabel="Set password" pending={pending} error={error} fields={['password']}>
      <PasswordInput
        label="New password"
        description="At least 12 characters. They are signed out everywhere and sign in with this one."
        required
        data-autofocus
        autoComplete="new-password"
        {...form.getInputProps('password')}
        error={form.errors.password ?? fieldError(error, 'password')}
      />
    </DialogForm>
  );
}
