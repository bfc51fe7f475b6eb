/** One category's controls: a switch per channel, and when email goes out. */
import { Badge, Button, Card, Group, NumberInput, Select, Stack, Switch, Text, Title } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { NotificationCategory } from '@pms/shared';
import { CATEGORIES, TIMING_OPTIONS, type CategoryValues } from './labels';

interface CategoryCardProps<Values extends { categories: CategoryValues }> {
  form: UseFormReturnType<Values>;
  category: NotificationCategory;
  /** The person's page: whether this category follows the organisation defaults, and how to go back to them. */
  followsDefaults?: boolean;
  onReset?(): void;
  /** A note under the in-app switch. */
  inAppNote?: string;
}

export function CategoryCard<Values extends { categories: CategoryValues }>({ form, category, followsDefaults, onReset, inAppNote }: CategoryCardProps<Values>) {
  const { label, description } = CATEGORIES.find((c) => c.value === category)!;
  const path = (field: string) => `categories.${category}.${field}`;
  const values = form.getValues().categories[category];
  return (
    <Card withBorder padding="md" data-testid={`category-${category}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="xs">
          <div>
            <Group gap="xs">
              <Title order={3} size="h5">
                {label}
              </Title>
              {followsDefaults !== undefined && (
                <Badge variant="light" color={followsDefaults ? 'gray' : 'indigo'} data-testid={`category-${category}-source`}>
                  {followsDefaults ? 'Default' : 'Your choice'}
                </Badge>
              )}
            </Group>
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          </div>
          {onReset && !followsDefaults && (
            <Button size="compact-sm" variant="subtle" onClick={onReset} data-testid={`category-${category}-reset`}>
              Reset to default
            </Button>
          )}
        </Group>
        <Group gap="lg">
          <Switch label="In the app" {...form.getInputProps(path('inApp'), { type: 'checkbox' })} data-testid={`${category}-inApp`} />
          <Switch label="Email" {...form.getInputProps(path('email'), { type: 'checkbox' })} data-testid={`${category}-email`} />
          <Switch label="Desktop" {...form.getInputProps(path('desktop'), { type: 'checkbox' })} data-testid={`${category}-desktop`} />
        </Group>
        {inAppNote && !values.inApp && (
          <Text size="xs" c="dimmed">
            {inAppNote}
          </Text>
        )}
        <Group align="flex-start" gap="sm" grow preventGrowOverflow={false}>
          <Select
            label="Email timing"
            data={TIMING_OPTIONS}
            allowDeselect={false}
            disabled={!values.email}
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps(path('emailTiming'))}
            data-testid={`${category}-timing`}
          />
          {values.emailTiming === 'unreadAfter' && (
            <NumberInput
              label="Minutes unread"
              min={1}
              max={10_080}
              allowDecimal={false}
              disabled={!values.email}
              {...form.getInputProps(path('unreadDelayMinutes'))}
              data-testid={`${category}-delay`}
            />
          )}
        </Group>
      </Stack>
    </Card>
  );
}
