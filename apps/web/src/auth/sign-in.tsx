import { Alert, Anchor, Button, Center, Code, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { loginInput } from '@pms/shared';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useApi } from '../api/api-provider';
import { fieldError, formError } from '../api/errors';
import { trpc } from '../api/trpc';

/** Shown by the dev server only: a deployed app does not advertise credentials. */
const DEMO_ACCOUNTS = import.meta.env.DEV ? ['alice@demo.pms', 'sam@demo.pms', 'admin@demo.pms'] : [];

export function SignIn() {
  const { restart } = useApi();
  const [values, setValues] = useState({ email: '', password: '' });
  // The cookie set by this HTTP call reaches the WebSocket only through a new connection.
  const login = trpc.auth.login.useMutation({ onSuccess: restart });

  // Checked here first with the server's own schema: the same messages, without a round trip.
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = loginInput.safeParse(values);
    setInvalid(parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message])));
    if (parsed.success) login.mutate(parsed.data);
    else login.reset(); // the previous answer no longer applies
  };
  const generalError = formError(login.error, ['email', 'password']);
  // The local check's message first, else the server's.
  const field = (name: keyof typeof values) => ({
    value: values[name],
    onChange: (event: ChangeEvent<HTMLInputElement>) => setValues({ ...values, [name]: event.currentTarget.value }),
    error: invalid[name] ?? fieldError(login.error, name),
  });

  return (
    <Center mih="100vh" p="md" bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))">
      <Paper component="main" withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
          <Stack>
            <div>
              <Title order={1} size="h2" id="sign-in-title">
                Sign in
              </Title>
              <Text c="dimmed" size="sm">
                Goals and notifications for your team
              </Text>
            </div>
            {/* The page is for signing in: typing starts in the email field. */}
            <TextInput label="Email" type="email" autoComplete="username" required autoFocus {...field('email')} />
            <PasswordInput label="Password" autoComplete="current-password" required {...field('password')} />
            {generalError && (
              <Alert color="red" role="alert" py="xs">
                {generalError}
              </Alert>
            )}
            <Button type="submit" loading={login.isPending} fullWidth>
              Sign in
            </Button>
            {DEMO_ACCOUNTS.length > 0 && (
              <Text size="xs" c="dimmed">
                Demo accounts:{' '}
                {DEMO_ACCOUNTS.map((account, index) => (
                  <span key={account}>
                    {index > 0 && ', '}
                    <Anchor component="button" type="button" size="xs" onClick={() => setValues({ ...values, email: account })}>
                      {account}
                    </Anchor>
                  </span>
                ))}{' '}
                with password <Code>demo-pass-2026</Code>
              </Text>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
