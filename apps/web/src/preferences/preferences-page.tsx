/**
 * A person's notification preferences: per category, each channel and when email goes out; time
 * zone, quiet hours and the morning digest. A field equal to the organisation default follows it
 * (saved as null), so a later change of the default reaches this person too.
 */
import { Button, Card, Group, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { updatePreferencesInput, type CategoryOverride, type NotificationCategory, type UpdatePreferencesInput } from '@pms/shared';
import { useMemo } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors';
import { trpc, type RouterOutputs } from '../api/trpc';
import { PageHeader } from '../ui/page-header';
import { InlineError, LoadError, Loading } from '../ui/states';
import { CategoryCard } from './category-card';
import { CATEGORIES, formErrors, PREFERENCE_FIELDS, type CategoryValues } from './labels';

type View = RouterOutputs['preferences']['mine'];

interface Values {
  categories: CategoryValues;
  timeZone: string;
  quietEnabled: boolean;
  quietStart: string;
  quietEnd: string;
  decisionsDigest: boolean;
}

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function PreferencesPage() {
  const mine = trpc.preferences.mine.useQuery();
  return (
    <>
      <PageHeader title="Notification preferences" description="What reaches you in the app, by email and on the desktop" />
      {mine.error ? <LoadError error={mine.error} onRetry={() => void mine.refetch()} /> : !mine.data ? <Loading label="Loading preferences…" /> : <PreferencesForm view={mine.data} />}
    </>
  );
}

function initialValues(view: View): Values {
  return {
    categories: Object.fromEntries(view.categories.map((c) => [c.category, c.effective])) as CategoryValues,
    timeZone: view.settingsSaved ? view.timeZone : browserTimeZone(),
    quietEnabled: view.quietHours !== null,
    quietStart: view.quietHours?.start ?? '22:00',
    quietEnd: view.quietHours?.end ?? '07:00',
    decisionsDigest: view.decisionsDigest,
  };
}

/** The change to send: per field its value when it differs from the default, null where an own choice goes back to it. */
function toInput(values: Values, view: View): UpdatePreferencesInput {
  const categories: Partial<Record<NotificationCategory, CategoryOverride>> = {};
  for (const { category, defaults, own } of view.categories) {
    const change: Record<string, unknown> = {};
    for (const field of PREFERENCE_FIELDS) {
      const value = values.categories[category][field];
      if (value !== defaults[field]) change[field] = value;
      else if (field in own) change[field] = null;
    }
    if (Object.keys(change).length) categories[category] = change as CategoryOverride;
  }
  return {
    categories,
    timeZone: values.timeZone,
    quietHours: values.quietEnabled ? { start: values.quietStart, end: values.quietEnd } : null,
    decisionsDigest: values.decisionsDigest,
  };
}

/** The schema's paths as the form's: quiet hours' own check lands under its end time. */
const formPath = (path: string) => (path === 'quietHours' ? 'quietEnd' : path.replace(/^quietHours\.(start|end)$/, (_, end: string) => `quiet${end === 'start' ? 'Start' : 'End'}`));

function PreferencesForm({ view }: { view: View }) {
  const utils = trpc.useUtils();
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  const form = useForm<Values>({
    initialValues: initialValues(view),
    validate: (values) => {
      const parsed = updatePreferencesInput.safeParse(toInput(values, view));
      return parsed.success ? {} : mapErrors(formErrors(parsed.error.issues));
    },
  });
  const update = trpc.preferences.update.useMutation({
    onSuccess: (saved) => {
      utils.preferences.mine.setData(undefined, saved);
      form.setInitialValues(initialValues(saved));
      form.resetDirty(initialValues(saved));
      notifications.show({ color: 'teal', title: 'Preferences saved', message: 'Your notification preferences are saved' });
    },
    onError: (error) => form.setErrors(mapErrors(fieldErrorsOf(error))),
  });

  const defaultsOf = (category: NotificationCategory) => view.categories.find((c) => c.category === category)!.defaults;
  const follows = (category: NotificationCategory) => PREFERENCE_FIELDS.every((field) => form.values.categories[category][field] === defaultsOf(category)[field]);

  return (
    <form onSubmit={form.onSubmit((values) => update.mutate(toInput(values, view)))} noValidate>
      <Stack>
        <Text size="sm" c="dimmed" data-testid="critical-note">
          Decisions waiting for you (a goal submitted for your approval, a goal assigned to you) always appear in the app, whatever you choose here.
        </Text>
        {CATEGORIES.map(({ value }) => (
          <CategoryCard
            key={value}
            form={form}
            category={value}
            followsDefaults={follows(value)}
            onReset={() => form.setFieldValue(`categories.${value}`, defaultsOf(value))}
            inAppNote="Notifications of this kind go straight to your archive, seen and read; decisions waiting for you still appear."
          />
        ))}
        <Card withBorder padding="md">
          <Stack gap="sm">
            <Title order={3} size="h5">
              When
            </Title>
            <Select
              label="Time zone"
              description={view.settingsSaved ? 'Digests, quiet hours and morning emails follow it' : 'Suggested from this browser: save to use it'}
              data={zones}
              searchable
              allowDeselect={false}
              limit={50}
              comboboxProps={{ withinPortal: true }}
              {...form.getInputProps('timeZone')}
              data-testid="time-zone"
            />
            <Switch label="Quiet hours: no email or desktop notifications" {...form.getInputProps('quietEnabled', { type: 'checkbox' })} data-testid="quiet-hours" />
            {form.values.quietEnabled && (
              <Group grow align="flex-start">
                <TextInput type="time" label="From" {...form.getInputProps('quietStart')} data-testid="quiet-start" />
                <TextInput type="time" label="Until" {...form.getInputProps('quietEnd')} data-testid="quiet-end" />
              </Group>
            )}
            <Switch
              label="Morning email of decisions waiting for me"
              description="Sent only when something waits for your decision"
              {...form.getInputProps('decisionsDigest', { type: 'checkbox' })}
              data-testid="decisions-digest"
            />
          </Stack>
        </Card>
        <InlineError error={update.error && Object.keys(fieldErrorsOf(update.error)).length === 0 ? errorMessage(update.error) : null} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => form.reset()} disabled={!form.isDirty()}>
            Discard changes
          </Button>
          <Button type="submit" loading={update.isPending} data-testid="save-preferences">
            Save preferences
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function mapErrors(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([path, message]) => [formPath(path), message]));
}
