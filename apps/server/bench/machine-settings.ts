/**
 * Settings of this machine that the bench changes while a phase publishes and puts back after:
 * with each as it was, every process of the bench (the servers, the publisher, the load
 * generators) stopped together for 40-70 ms now and then, which no server could help (BENCHMARKS.md,
 * nineteenth and twentieth sessions). Each has a switch to keep it (options.ts); a setting the
 * system refuses to change stays as it is, and the log says so.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { log } from './log.js';

export interface MachineSetting {
  /** What it is, in the bench's log. */
  name: string;
  path: string;
  /** Its value while a phase publishes. */
  whilePublishing: string;
}

/**
 * The kernel's cap on real-time threads (kernel.sched_rt_runtime_us, 950 ms of every second):
 * once the bench's SCHED_FIFO threads (priority.ts) had used it, the kernel stopped them all for
 * the rest of the second ("sched: RT throttling activated", nineteenth session). Lifted (-1),
 * ordinary threads (the rest of PostgreSQL, the shell) still get 50 ms of every second from the
 * kernel's fair server (Linux 6.12 and later).
 */
export const realtimeCap = (): MachineSetting[] => [
  { name: "the kernel's cap on real-time threads", path: '/proc/sys/kernel/sched_rt_runtime_us', whilePublishing: '-1' },
];

const KDAMONDS = '/sys/kernel/mm/damon/admin/kdamonds';

/**
 * The VM's proactive memory reclaim (DAMON, a kdamond whose scheme pages out memory left idle
 * for 60 s, up to 128 MB and 50 ms of every second; this VM runs one to hand memory back to its
 * host). Paging out unmaps pages from every process that maps them, and the file pages it drops
 * are read back by whichever process touches them next; every process of the bench stalled
 * 40-50 ms at once while cyclictest (SCHED_FIFO 99, its memory locked) ran on both cores without a
 * delay over 10 ms (twentieth session). Paused ('off') while publishing, as on a machine without it.
 */
export function memoryReclaim(): MachineSetting[] {
  if (!existsSync(KDAMONDS)) return [];
  return readdirSync(KDAMONDS)
    .filter((entry) => /^\d+$/.test(entry))
    .map((kdamond) => ({ name: `the VM's proactive memory reclaim (kdamond ${kdamond})`, path: `${KDAMONDS}/${kdamond}/state`, whilePublishing: 'off' }));
}

/**
 * Holds `settings` at their publishing values from `hold()` to `restore()`, setting them again
 * every second: something of this VM's own turned its reclaim back on within minutes (twentieth
 * session). `restore` is synchronous, so that a signal's cleanup can call it too.
 */
export function machineSettings(settings: MachineSetting[]) {
  const previous = new Map<MachineSetting, string>();
  const refused = new Set<MachineSetting>();
  const undone = new Map<MachineSetting, number>();
  let timer: NodeJS.Timeout | null = null;
  const read = (setting: MachineSetting) => readFileSync(setting.path, 'utf8').trim();
  const apply = () => {
    for (const setting of settings) {
      if (refused.has(setting)) continue;
      try {
        const current = read(setting);
        if (current === setting.whilePublishing) continue;
        if (previous.has(setting)) undone.set(setting, (undone.get(setting) ?? 0) + 1);
        else previous.set(setting, current);
        writeFileSync(setting.path, setting.whilePublishing);
      } catch (error) {
        log(`cannot set ${setting.name} to ${setting.whilePublishing} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), so it stays as it is`);
        refused.add(setting);
      }
    }
  };
  return {
    hold(): void {
      apply();
      timer ??= setInterval(apply, 1000).unref();
    },
    restore(): void {
      if (timer) clearInterval(timer);
      timer = null;
      for (const [setting, count] of undone) log(`${setting.name} was set back ${count} time(s) by something else while publishing, and set again within a second`);
      undone.clear();
      for (const [setting, value] of previous) {
        try {
          if (read(setting) !== value) writeFileSync(setting.path, value);
        } catch (error) {
          console.error(`[bench] could not put ${setting.name} back to ${value} (${setting.path}): ${(error as Error).message}`);
        }
      }
      previous.clear();
    },
  };
}

/** How the machine is held while publishing, for the bench's log. */
export const describeMachineSettings = (settings: MachineSetting[]) =>
  settings.length ? `while publishing: ${settings.map((s) => `${s.name} ${s.whilePublishing}`).join('; ')}` : 'the machine as it is while publishing';
