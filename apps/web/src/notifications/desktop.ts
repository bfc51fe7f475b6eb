/**
 * Desktop notifications through the browser's Notification API, only after the user opts in
 * from the account menu. The choice is remembered per browser.
 */
import { useSyncExternalStore } from 'react';

const OPT_IN_KEY = 'pms.desktopNotifications';
const listeners = new Set<() => void>();

export type DesktopState = 'unsupported' | 'denied' | 'off' | 'on';

function readState(): DesktopState {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const optedIn = localStorage.getItem(OPT_IN_KEY) === 'on';
  return optedIn && Notification.permission === 'granted' ? 'on' : 'off';
}

function changed() {
  for (const listener of listeners) listener();
}

export function useDesktopNotifications(): DesktopState {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, readState);
}

/** Asks the browser for permission; the menu item follows the outcome through the hook. */
export async function enableDesktopNotifications(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  const permission = await Notification.requestPermission();
  if (permission === 'granted') localStorage.setItem(OPT_IN_KEY, 'on');
  changed();
}

export function disableDesktopNotifications(): void {
  localStorage.removeItem(OPT_IN_KEY);
  changed();
}

interface DesktopMessage {
  id: number;
  title: string;
  message: string;
}

/**
 * Shows one notification while this tab is in the background (in front, the toast is enough).
 * The tag makes the operating system show it once even when several tabs receive it.
 */
export function showDesktopNotification(item: DesktopMessage, onClick: () => void): void {
  if (readState() !== 'on' || document.visibilityState === 'visible') return;
  const shown = new Notification(item.title, { body: item.message, tag: `pms-notification-${item.id}` });
  shown.onclick = () => {
    window.focus();
    onClick();
    shown.close();
  };
}
