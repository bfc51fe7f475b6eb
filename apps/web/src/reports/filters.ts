/**
 * The reports page's filters as the URL's query string (a reload, Back or a shared link shows
 * the same reports), and the report input they stand for. Unknown or malformed values are
 * dropped, never an error; a custom range's dates are checked with the shared schema.
 */
import { reportFilterInput, type ReportFilter } from '@pms/shared';

export const RANGE_PRESETS = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'quarter', label: 'This quarter' },
  { value: 'custom', label: 'Custom' },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['value'];
export const DEFAULT_RANGE = '30d' satisfies RangePreset;

export interface ReportsView {
  range: RangePreset;
  /** Custom range only. */
  from?: string;
  to?: string;
  /** A supervisor's team; absent: the organisation (administrators) or one's own team. */
  teamId?: number;
}

const isDay = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

export function parseView(search: string): ReportsView {
  const params = new URLSearchParams(search);
  const range = RANGE_PRESETS.find((preset) => preset.value === params.get('range'))?.value ?? DEFAULT_RANGE;
  const team = Number(params.get('team'));
  const from = params.get('from');
  const to = params.get('to');
  return {
    range,
    ...(range === 'custom' && isDay(from) && { from }),
    ...(range === 'custom' && isDay(to) && { to }),
    ...(Number.isSafeInteger(team) && team > 0 && { teamId: team }),
  };
}

/** The query string (without "?"): only what differs from the defaults, in a stable order. */
export function formatView(view: ReportsView): string {
  const params = new URLSearchParams();
  if (view.range !== DEFAULT_RANGE) params.set('range', view.range);
  if (view.range === 'custom' && view.from) params.set('from', view.from);
  if (view.range === 'custom' && view.to) params.set('to', view.to);
  if (view.teamId !== undefined) params.set('team', String(view.teamId));
  return params.toString();
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** A preset's first and last day (UTC, as the server counts days), ending today. */
export function presetDays(range: Exclude<RangePreset, 'custom'>, today: Date): { from: string; to: string } {
  const to = utcDay(today);
  if (range === 'quarter') {
    const firstMonth = Math.floor(today.getUTCMonth() / 3) * 3;
    return { from: utcDay(new Date(Date.UTC(today.getUTCFullYear(), firstMonth, 1))), to };
  }
  const days = { '7d': 7, '30d': 30, '90d': 90 }[range];
  return { from: utcDay(new Date(today.getTime() - (days - 1) * 86_400_000)), to };
}

/**
 * The reports' input, or what is wrong with the custom range (the shared schema's message). A
 * custom range missing a day takes it from the default preset.
 */
export function filterOf(view: ReportsView, today: Date): { filter: ReportFilter } | { error: string } {
  const preset = presetDays(view.range === 'custom' ? DEFAULT_RANGE : view.range, today);
  const candidate = {
    from: view.range === 'custom' ? (view.from ?? preset.from) : preset.from,
    to: view.range === 'custom' ? (view.to ?? preset.to) : preset.to,
    ...(view.teamId !== undefined && { teamId: view.teamId }),
  };
  const parsed = reportFilterInput.safeParse(candidate);
  return parsed.success ? { filter: parsed.data } : { error: parsed.error.issues.map((issue) => issue.message).join('; ') };
}
