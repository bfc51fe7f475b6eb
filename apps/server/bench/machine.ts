/** How busy the whole machine was: the benchmark shares its cores with everything else. */
import { readFileSync } from 'node:fs';

interface CpuTimes {
  busy: number;
  /** Time a virtual machine's cores were ready to run but the hypervisor ran something else. */
  steal: number;
  total: number;
}

/** Jiffies summed over all cores, from /proc/stat (Linux); null elsewhere. */
function cpuTimes(): CpuTimes | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3]! + (fields[4] ?? 0); // idle + iowait
    const steal = fields[7] ?? 0;
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, steal, total };
  } catch {
    return null;
  }
}

/** Shares of all cores (0..1) over a measurement. */
export interface MachineShares {
  busy: number;
  /** Taken by the hypervisor: counted in busy, though nothing of ours ran then. */
  stolen: number;
}

/** Starts a measurement; the returned function gives the shares since (null off Linux). */
export function machineBusy(): () => MachineShares | null {
  const start = cpuTimes();
  return () => {
    const end = cpuTimes();
    if (!start || !end || end.total === start.total) return null;
    const total = end.total - start.total;
    return { busy: (end.busy - start.busy) / total, stolen: (end.steal - start.steal) / total };
  };
}
