import { describe, expect, it } from 'vitest';
import { snoozeChoices } from './snooze';

describe('snoozeChoices', () => {
  it('offers an hour from now, tomorrow at 9:00 and the coming Monday at 9:00', () => {
    const wednesday = new Date(2026, 11, 2, 17, 30); // local time, like the person's clock
    const [hour, tomorrow, nextWeek] = snoozeChoices(wednesday);
    expect(hour!.until).toEqual(new Date(2026, 11, 2, 18, 30));
    expect(tomorrow!.until).toEqual(new Date(2026, 11, 3, 9, 0));
    expect(nextWeek!.until).toEqual(new Date(2026, 11, 7, 9, 0));
    expect(nextWeek!.until.getDay()).toBe(1);
  });

  it('on a Monday, next week is the Monday after', () => {
    const monday = new Date(2026, 11, 7, 8, 0);
    expect(snoozeChoices(monday)[2]!.until).toEqual(new Date(2026, 11, 14, 9, 0));
  });
});
