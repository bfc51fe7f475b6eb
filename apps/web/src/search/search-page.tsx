/** Search results: goals and notifications in groups, best first; the words and filters live in the URL. */
import { Anchor, Button, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { GoalStatus, GoalType, searchText, SEARCH_KINDS, type SearchKind } from '@pms/shared';
import type { ReactNode } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { trpc, type RouterOutputs } from '../api/trpc';
import { GOAL_TYPE_LABEL, STATUS_LOOK } from '../goals/goal-labels';
import { GoalStatusBadge } from '../goals/goal-status-badge';
import { notificationHref } from '../notifications/deep-link';
import { ReadFilterControl } from '../notifications/read-filter-control';
import { useNotificationTypes, useTypeLabel } from '../notifications/notification-types';
import { FilterSelect } from '../ui/filter-select';
import { PageHeader } from '../ui/page-header';
import { Empty, InlineError, Loading, LoadError } from '../ui/states';
import { timeAgo } from '../ui/time';
import { Highlighted, type HighlightedPart } from './highlighted';
import { formatSearchParams, parseSearchParams, type SearchParams } from './search-params';

/** On a phone, two filters to a row. */
const HALF = 'calc(50% - var(--mantine-spacing-sm) / 2)';

const KIND_LABEL: Record<SearchKind, string> = { goals: 'Goals', notifications: 'Notifications' };

/** A filter change is a new history entry: Back returns to the results before it. */
function useSearchInUrl(): [SearchParams, (change: Partial<SearchParams>) => void] {
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = parseSearchParams(search);
  return [params, (change) => navigate(`/search?${formatSearchParams({ ...params, ...change })}`)];
}

export function SearchPage() {
  const [inUrl, setParams] = useSearchInUrl();
  const typeLabel = useTypeLabel();
  const notificationTypes = (useNotificationTypes().data ?? []).map((known) => known.type);
  // A type the registry does not know (an old or mistyped link) filters nothing, rather than failing the search.
  const unknownType = inUrl.notificationType && notificationTypes.length > 0 && !notificationTypes.includes(inUrl.notificationType);
  const params = unknownType ? { ...inUrl, notificationType: undefined } : inUrl;
  const problem = params.q ? searchText.safeParse(params.q).error?.issues[0]?.message : undefined;
  const showing = (kind: SearchKind) => params.kinds.includes(kind);

  return (
    <>
      <PageHeader title="Search" description={params.q ? `Results for “${params.q}”` : 'Goals and notifications'} />
      <SegmentedControl
        aria-label="Search in"
        mb="sm"
        data={[{ value: 'all', label: 'All' }, ...SEARCH_KINDS.map((kind) => ({ value: kind, label: KIND_LABEL[kind] }))]}
        value={params.kinds.length === 1 ? params.kinds[0]! : 'all'}
        onChange={(value) => setParams({ kinds: value === 'all' ? [...SEARCH_KINDS] : [value as SearchKind] })}
      />
      <Group gap="sm" mb="lg" align="flex-end">
        {showing('goals') && (
          <>
            <FilterSelect
              label="Goal status"
              placeholder="Any status"
              options={GoalStatus.options}
              labelOf={(status) => STATUS_LOOK[status].label}
              value={params.status}
              onChange={(status) => setParams({ status })}
              w={{ base: HALF, xs: 190 }}
            />
            <FilterSelect
              label="Goal type"
              placeholder="Any type"
              options={GoalType.options}
              labelOf={(type) => GOAL_TYPE_LABEL[type]}
              value={params.goalType}
              onChange={(goalType) => setParams({ goalType })}
              w={{ base: HALF, xs: 250 }}
            />
          </>
        )}
        {showing('notifications') && (
          <>
            <FilterSelect
              label="Notification type"
              placeholder="Any type"
              options={notificationTypes}
              labelOf={typeLabel}
              value={params.notificationType}
              onChange={(notificationType) => setParams({ notificationType })}
              w={{ base: '100%', xs: 220 }}
            />
            <ReadFilterControl value={params.read} onChange={(read) => setParams({ read })} />
          </>
        )}
      </Group>
      {!params.q ? (
        <Empty title="Search goals and notifications" description="Type in the search box at the top (press / to get there): the start of a word is enough." />
      ) : problem ? (
        <InlineError error={problem} />
      ) : (
        <Stack gap="xl">
          {params.kinds.map((kind) => (
            <ResultGroup key={kind} kind={kind} params={params} />
          ))}
        </Stack>
      )}
    </>
  );
}

const PAGE = 10;

function ResultGroup({ kind, params }: { kind: SearchKind; params: SearchParams }) {
  const { q, status, goalType, read, notificationType } = params;
  const input = kind === 'goals' ? { q, kinds: [kind], status, goalType, limit: PAGE } : { q, kinds: [kind], read, notificationType, limit: PAGE };
  const results = trpc.search.query.useInfiniteQuery(input, { getNextPageParam: (page) => page[kind]?.nextCursor ?? null });
  const title = (
    <Title order={3} size="h4" mb="xs">
      {KIND_LABEL[kind]}
    </Title>
  );
  if (results.isPending) return <section aria-label={KIND_LABEL[kind]}>{title}<Loading label={`Searching ${kind}…`} /></section>;
  if (results.error) {
    return (
      <section aria-label={KIND_LABEL[kind]}>
        {title}
        <LoadError error={results.error} onRetry={() => void results.refetch()} title={`Could not search ${kind}`} />
      </section>
    );
  }
  const pages = results.data.pages;
  return (
    <section aria-label={KIND_LABEL[kind]}>
      {title}
      {kind === 'goals' ? <GoalHits hits={pages.flatMap((page) => page.goals?.items ?? [])} /> : <NotificationHits hits={pages.flatMap((page) => page.notifications?.items ?? [])} />}
      {results.hasNextPage && (
        <Button variant="subtle" mt="xs" loading={results.isFetchingNextPage} onClick={() => void results.fetchNextPage()}>
          More {kind}
        </Button>
      )}
    </section>
  );
}

interface Hit {
  id: number;
  title: string;
  highlight: { title: HighlightedPart[]; snippet: HighlightedPart[] };
}

function HitList<T extends Hit>({ hits, kind, href, details }: { hits: T[]; kind: SearchKind; href(hit: T): string | null; details(hit: T): ReactNode }) {
  if (hits.length === 0) return <Empty title={`No ${kind} match`} description="Try fewer words, the start of a word, or fewer filters." />;
  return (
    <Paper withBorder>
      <Stack gap={0} component="ul" m={0} p={0} style={{ listStyle: 'none' }} data-testid={`${kind}-results`}>
        {hits.map((hit, i) => {
          const to = href(hit);
          const title = <Highlighted parts={hit.highlight.title} />;
          return (
            <Stack key={hit.id} component="li" gap={4} p="sm" style={i > 0 ? { borderTop: '1px solid var(--mantine-color-gray-2)' } : undefined}>
              <Group justify="space-between" wrap="wrap" gap="xs">
                {to ? (
                  <Anchor component={Link} href={to} fw={600} style={{ overflowWrap: 'anywhere' }}>
                    {title}
                  </Anchor>
                ) : (
                  <Text fw={600} style={{ overflowWrap: 'anywhere' }}>{title}</Text>
                )}
                {details(hit)}
              </Group>
              {hit.highlight.snippet.length > 0 && (
                <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  <Highlighted parts={hit.highlight.snippet} />
                </Text>
              )}
            </Stack>
          );
        })}
      </Stack>
    </Paper>
  );
}

type SearchOutput = RouterOutputs['search']['query'];
type GoalHit = NonNullable<SearchOutput['goals']>['items'][number];
type NotificationHit = NonNullable<SearchOutput['notifications']>['items'][number];

function GoalHits({ hits }: { hits: GoalHit[] }) {
  return (
    <HitList<GoalHit>
      kind="goals"
      hits={hits}
      href={(hit) => `/goals/${hit.id}`}
      details={(hit) => (
        <Group gap="xs" wrap="nowrap">
          <Text size="xs" c="dimmed">
            {hit.owner.name}
          </Text>
          <GoalStatusBadge status={hit.status} />
        </Group>
      )}
    />
  );
}

function NotificationHits({ hits }: { hits: NotificationHit[] }) {
  const typeLabel = useTypeLabel();
  return (
    <HitList<NotificationHit>
      kind="notifications"
      hits={hits}
      href={notificationHref}
      details={(hit) => (
        <Text size="xs" c="dimmed">
          {typeLabel(hit.type)} · {timeAgo(hit.createdAt)}
          {hit.readAt ? '' : ' · unread'}
        </Text>
      )}
    />
  );
}
