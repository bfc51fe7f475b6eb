/**
 * The organisation as a tree: each person under their supervisor, those without one at the top,
 * every branch collapsible (Mantine's Tree: arrow keys and space work as in any tree view).
 */
import { AccordionChevron, Badge, Box, Button, Card, getTreeExpandedState, Group, Text, Tree, useTree, type RenderTreeNodePayload, type TreeNodeData } from '@mantine/core';
import { useMemo } from 'react';
import { trpc } from '../api/trpc';
import type { PageProps } from '../shell/pages';
import { PageHeader } from '../ui/page-header';
import { Empty, LoadError, Loading } from '../ui/states';
import { AdminOnly } from './admin-only';
import { orgTree, type OrgNode } from './org';
import type { User } from './user-dialogs';

export function OrgChartPage({ user }: PageProps) {
  return (
    <AdminOnly user={user}>
      <PageHeader title="Org chart" description="Who reports to whom; people without a supervisor are at the top" />
      <OrgChart />
    </AdminOnly>
  );
}

/** The tree's data: each node carries its person (for rendering) and counts everyone under it. */
function toTreeData(nodes: Array<OrgNode<User>>): TreeNodeData[] {
  return nodes.map(({ person, reports }) => ({
    value: String(person.id),
    label: person.name,
    nodeProps: { person, reports: reports.length },
    children: reports.length ? toTreeData(reports) : undefined,
  }));
}

function OrgChart() {
  const users = trpc.users.list.useQuery();
  const data = useMemo(() => toTreeData(orgTree(users.data ?? [])), [users.data]);
  if (users.error) return <LoadError error={users.error} onRetry={() => void users.refetch()} />;
  if (!users.data) return <Loading label="Loading the organisation…" />;
  if (data.length === 0) return <Empty title="Nobody yet" />;
  return <ExpandableTree data={data} />;
}

function ExpandableTree({ data }: { data: TreeNodeData[] }) {
  const tree = useTree({ initialExpandedState: getTreeExpandedState(data, '*') });
  return (
    <Card withBorder padding="sm" maw={720}>
      <Group gap="xs" mb="xs" justify="flex-end">
        <Button size="compact-sm" variant="default" onClick={() => tree.expandAllNodes()}>
          Expand all
        </Button>
        <Button size="compact-sm" variant="default" onClick={() => tree.collapseAllNodes()}>
          Collapse all
        </Button>
      </Group>
      <Tree data={data} tree={tree} levelOffset="md" renderNode={PersonNode} aria-label="Organisation" data-testid="org-chart" />
    </Card>
  );
}

function PersonNode({ node, expanded, hasChildren, elementProps }: RenderTreeNodePayload) {
  const { person, reports } = node.nodeProps as { person: User; reports: number };
  return (
    <Group gap="xs" wrap="nowrap" py={4} {...elementProps} data-testid="org-person">
      <Box w={16} style={{ flexShrink: 0, display: 'flex' }}>
        {hasChildren && <AccordionChevron size={16} style={{ transform: expanded ? undefined : 'rotate(-90deg)' }} />}
      </Box>
      <Box style={{ minWidth: 0, flex: 1 }}>
        <Text fw={500} size="sm" c={person.active ? undefined : 'dimmed'} td={person.active ? undefined : 'line-through'} truncate>
          {person.name}
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {person.email}
        </Text>
      </Box>
      {!person.active && (
        <Badge color="gray" variant="light" style={{ flexShrink: 0 }}>
          Deactivated
        </Badge>
      )}
      {reports > 0 && (
        <Badge variant="light" tt="none" style={{ flexShrink: 0 }}>
          {reports} {reports === 1 ? 'report' : 'reports'}
        </Badge>
      )}
    </Group>
  );
}
