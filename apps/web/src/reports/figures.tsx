import { Group, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A report's headline figures: label over value, wrapping on a phone. */
export function Figures({ items }: { items: Array<{ label: string; value: ReactNode }> }) {
  return (
    <Group gap="lg" wrap="wrap">
      {items.map(({ label, value }) => (
        <div key={label}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          <Text fw={700} size="lg" data-figure={label}>
            {value}
          </Text>
        </div>
      ))}
    </Group>
  );
}

/** A figures table that scrolls sideways on a narrow screen instead of squeezing. */
export function FiguresTable({ caption, head, rows, textColumns = 1 }: { caption: string; head: string[]; rows: Array<{ key: string; cells: ReactNode[] }>; textColumns?: number }) {
  // Words start-aligned, figures end-aligned (so that their digits line up).
  const align = (index: number) => (index < textColumns ? undefined : 'right');
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table striped withTableBorder fz="sm" captionSide="top" horizontalSpacing="xs">
        <Table.Caption style={{ textAlign: 'start' }}>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {head.map((label, index) => (
              <Table.Th key={label} ta={align(index)} style={{ whiteSpace: 'nowrap' }}>
                {label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ key, cells }) => (
            <Table.Tr key={key}>
              {cells.map((cell, index) => (
                <Table.Td key={head[index]} ta={align(index)} style={{ whiteSpace: 'nowrap' }}>
                  {cell}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
