/** The organisation's defaults per category: what applies to everyone who made no choice of their own. */
import { Button, Group, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { updateDefaultsInput, type CategoryPreference, type NotificationCategory, type UpdateDefaultsInput } from '@pms/shared';
import { errorMessage, fieldErrorsOf } from '../api/errors';
import { trpc } from '../api/trpc';
import type { PageProps } from '../shell/pages';
import { CategoryCard } from '../preferences/category-card';
import { CATEGORIES, formErrors, PREFERENCE_FIELDS, type CategoryValues } from '../preferences/labels';
import { PageHeader } from '../ui/page-header';
import { InlineError, LoadError, Loading } from '../ui/states';
import { AdminOnly } from './admin-only';

export function DefaultsPage({ user }: PageProps) {
  return (
    <AdminOnly user={user}>
      <PageHeader title="Notification defaults" description="What applies to everyone who has not chosen otherwise" />
      <Defaults />
    </AdminOnly>
  );
}

function Defaults() {
  const defaults = trpc.preferences.defaults.useQuery();
  if (defaults.error) return <LoadError error={defaults.error} onRetry={() => void defaults.refetch()} />;
  if (!defaults.data) return <Loading label="Loading defaults…" />;
  return <DefaultsForm saved={defaults.data} />;
}

/** Only the fields that changed. */
function toInput(values: CategoryValues, saved: CategoryValues): UpdateDefaultsInput {
  const categories: Partial<Record<NotificationCategory, Partial<CategoryPreference>>> = {};
  for (const { value: category } of CATEGORIES) {
    const changed = PREFERENCE_FIELDS.filter((field) => values[category][field] !== saved[category][field]);
    if (changed.length) categories[category] = Object.fromEntries(changed.map((field) => [field, values[category][field]]));
  }
  return { categories };
}

function DefaultsForm({ saved }: { saved: CategoryValues }) {
  const utils = trpc.useUtils();
  const form = useForm<{ categories: CategoryValues }>({
    initialValues: { categories: saved },
    validate: (values) => {
      const parsed = updateDefaultsInput.safeParse(toInput(values.categories, saved));
      return parsed.success ? {} : formErrors(parsed.error.issues);
    },
  });
  const update = trpc.preferences.updateDefaults.useMutation({
    onSuccess: (next) => {
      utils.preferences.defaults.setData(undefined, next);
      void utils.preferences.mine.invalidate();
      form.setInitialValues({ categories: next });
      form.resetDirty({ categories: next });
      notifications.show({ color: 'teal', title: 'Defaults saved', message: 'People without their own choice now get these' });
    },
    onError: (error) => form.setErrors(fieldErrorsOf(error)),
  });
  return (
    <form onSubmit={form.onSubmit((values) => update.mutate(toInput(values.categories, saved)))} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          People who chose a setting themselves keep their choice. Decisions waiting for someone always appear in the app.
        </Text>
        {CATEGORIES.map(({ value }) => (
          <CategoryCard key={value} form={form} category={value} />
        ))}
        <InlineError error={update.error && Object.keys(fieldErrorsOf(update.error)).length === 0 ? errorMessage(update.error) : null} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => form.reset()} disabled={!form.isDirty()}>
            Discard changes
          </Button>
          <Button type="submit" loading={update.isPending} data-testid="save-defaults">
            Save defaults
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
