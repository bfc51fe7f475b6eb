import { describe, expect, it } from 'vitest';
import { everyDay, formatRate, perDay, pivot } from './chart-data';

describe('perDay', () => {
  it('gives every day of the range, quiet days as zeros, kinds largest first', () => {
    const { data, types } = perDay(
      [
        { day: '2026-11-02', type: 'A', sent: 1 },
        { day: '2026-11-02', type: 'B', sent: 4 },
        { day: '2026-11-04', type: 'A', sent: 2 },
      ],
      '2026-11-01',
      '2026-11-04',
    );
    expect(types).toEqual(['B', 'A']);
    expect(data).toEqual([
      { day: '2026-11-01', A: 0, B: 0 },
      { day: '2026-11-02', A: 1, B: 4 },
      { day: '2026-11-03', A: 0, B: 0 },
      { day: '2026-11-04', A: 2, B: 0 },
    ]);
  });

  it('counts a range across a month end and a leap day', () => {
    expect(everyDay('2028-02-28', '2028-03-01')).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
  });
});

describe('pivot', () => {
  it('puts one row per key and one column per kind, zero where missing', () => {
    const items = [
      { quarter: '2026-Q4', type: 'YEARLY', goals: 2 },
      { quarter: '2026-Q3', type: 'INDIVIDUAL', goals: 5 },
    ];
    expect(pivot(items, (item) => item.quarter, (item) => item.type, (item) => item.goals)).toEqual({
      data: [
        { key: '2026-Q3', INDIVIDUAL: 5, YEARLY: 0 },
        { key: '2026-Q4', INDIVIDUAL: 0, YEARLY: 2 },
      ],
      columns: ['INDIVIDUAL', 'YEARLY'],
    });
  });
});

it('formats rates as whole percents', () => {
  expect(formatRate(2 / 3)).toBe('67 %');
  expect(formatRate(null)).toBe('—');
});
