/** Report outputs reshaped for the charts: one object per bar or point, one key per series. */

/** Series colours in a fixed order, readable on light and dark backgrounds. */
const PALETTE = ['indigo.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'red.6', 'lime.7', 'pink.6', 'yellow.7', 'blue.6'];

export const seriesColor = (index: number) => PALETTE[index % PALETTE.length]!;

/** Every day from `from` to `to` (inclusive, "YYYY-MM-DD"). */
export function everyDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let time = Date.parse(from); time <= Date.parse(to); time += 86_400_000) days.push(new Date(time).toISOString().slice(0, 10));
  return days;
}

/**
 * Counts per day and kind as rows for a stacked chart: every day of the range (a quiet day is a
 * zero bar, not a missing one), and the kinds by total, largest first.
 */
export function perDay(rows: Array<{ day: string; type: string; sent: number }>, from: string, to: string) {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.type, (totals.get(row.type) ?? 0) + row.sent);
  const types = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const data = everyDay(from, to).map((day) => ({ day, ...Object.fromEntries(types.map((type) => [type, 0])) }) as Record<string, string | number>);
  const byDay = new Map(data.map((entry) => [entry.day as string, entry]));
  for (const row of rows) {
    const entry = byDay.get(row.day);
    if (entry) entry[row.type] = row.sent;
  }
  return { data, types };
}

/** Rows of `{ [rowKey]: row, [column]: value }` from a list of cells (a pivot), zero where a cell is missing. */
export function pivot<T>(items: T[], rowOf: (item: T) => string, columnOf: (item: T) => string, valueOf: (item: T) => number) {
  const rows = [...new Set(items.map(rowOf))].sort();
  const columns = [...new Set(items.map(columnOf))].sort();
  const data = rows.map((row) => {
    const entry: Record<string, string | number> = { key: row };
    for (const column of columns) entry[column] = 0;
    for (const item of items) if (rowOf(item) === row) entry[columnOf(item)] = valueOf(item);
    return entry;
  });
  return { data, columns };
}

/** "67 %" for a rate from 0 to 1; "—" when there was nothing to count. */
export const formatRate = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);
