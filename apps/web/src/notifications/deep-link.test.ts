import { describe, expect, it } from 'vitest';
import { notificationHref, notificationIdOf } from './deep-link';

describe('deep links to a notification', () => {
  it('are the address of what it is about, with its id', () => {
    expect(notificationHref({ id: 7, link: '/goals/42' })).toBe('/goals/42?notification=7');
    expect(notificationHref({ id: 7, link: '/goals/42?tab=history' })).toBe('/goals/42?tab=history&notification=7');
    expect(notificationHref({ id: 7, link: null })).toBeNull();
  });

  it('name a whole positive id or nothing', () => {
    expect(notificationIdOf('?notification=7')).toBe(7);
    expect(notificationIdOf('notification=9007199254740991&x=1')).toBe(9007199254740991);
    for (const bad of ['', '?notification=', '?notification=0', '?notification=-3', '?notification=1.5', '?notification=7abc', '?notification=99999999999999999']) {
      expect(notificationIdOf(bad)).toBeNull();
    }
  });
});
