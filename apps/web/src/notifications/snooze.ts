/** The snooze choices a notification offers, as local times from `now`. */
export interface SnoozeChoice {
  label: string;
  until: Date;
}

export function snoozeChoices(now: Date = new Date()): SnoozeChoice[] {
  const at9 = (daysAhead: number) => {
    const day = new Date(now);
    day.setDate(day.getDate() + daysAhead);
    day.setHours(9, 0, 0, 0);
    return day;
  };
  // Next week: the coming Monday (a week from today when today is Monday).
  const toMonday = ((8 - now.getDay()) % 7) || 7;
  return [
    { label: '1 hour', until: new Date(now.getTime() + 60 * 60 * 1000) },
    { label: 'Tomorrow 9:00', until: at9(1) },
    { label: 'Next week', until: at9(toMonday) },
  ];
}
