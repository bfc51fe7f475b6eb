import { Group, Select, TextInput } from '@mantine/core';
import type { RouterOutputs } from '../api/trpc';
import { RANGE_PRESETS, type RangePreset, type ReportsView } from './filters';

type Teams = RouterOutputs['reports']['teams'];

/** The organisation's value in the team select (a team's is its supervisor's id). */
const ORGANISATION = 'organisation';

interface ReportFiltersProps {
  view: ReportsView;
  /** The days the reports cover now, shown in a custom range's inputs until they are edited. */
  days: { from: string; to: string };
  teams: Teams;
  /** What is wrong with a custom range (the shared schema's message, always about `to`), shown under that date. */
  rangeError?: string;
  onChange(change: Partial<ReportsView>): void;
}

/** Range (a preset, or custom dates) and team; the page keeps them in the URL. */
export function ReportFilters({ view, days, teams, rangeError, onChange }: ReportFiltersProps) {
  const teamOptions = [
    ...(teams.organisation ? [{ value: ORGANISATION, label: 'Organisation' }] : []),
    ...teams.teams.map((team) => ({ value: String(team.id), label: `${team.name}’s team (${team.size})` })),
  ];
  const team = view.teamId !== undefined ? String(view.teamId) : teams.organisation ? ORGANISATION : String(teams.teams[0]?.id ?? '');
  return (
    <Group gap="sm" align="flex-start" mb="md" wrap="wrap">
      <Select
        label="Date range"
        data={RANGE_PRESETS.map(({ value, label }) => ({ value, label }))}
        value={view.range}
        allowDeselect={false}
        // Custom starts from the days shown now, so that switching changes nothing until a date does.
        onChange={(range) => onChange({ range: range as RangePreset, ...(range === 'custom' && days) })}
        w={{ base: '100%', xs: 180 }}
      />
      {view.range === 'custom' && (
        <>
          <TextInput type="date" label="From" value={view.from ?? days.from} onChange={(event) => onChange({ from: event.currentTarget.value })} w={{ base: '47%', xs: 170 }} />
          <TextInput type="date" label="To" value={view.to ?? days.to} onChange={(event) => onChange({ to: event.currentTarget.value })} error={rangeError} w={{ base: '47%', xs: 170 }} />
        </>
      )}
      <Select
        label="Team"
        data={teamOptions}
        value={team}
        allowDeselect={false}
        // A supervisor reports on their own team only: nothing to choose.
        disabled={teamOptions.length < 2}
        onChange={(value) => onChange({ teamId: value === ORGANISATION || value === null ? undefined : Number(value) })}
        w={{ base: '100%', xs: 260 }}
      />
    </Group>
  );
}
