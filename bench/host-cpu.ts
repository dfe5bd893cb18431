/**
 * How much CPU time the hypervisor took from this machine while a section ran: the `steal`
 * column of the aggregate `cpu` line of Linux's /proc/stat (time a virtual CPU was ready to run
 * while the host ran something else). On a shared VM it moves a figure more than any code change:
 * on 2026-12-03 one busy Node process on this 2-vCPU machine got 3.2 s of CPU in 5 s of wall time
 * while the host took 2.55 s (steal is charged to both vCPUs). Process CPU time leaves stolen
 * time out, but not the caches the other guests emptied meanwhile, so the backtest's CPU-seconds
 * rise with it too. Elsewhere than Linux there is no steal column: the figure is left out.
 */
import { readFileSync } from 'node:fs';

/** Cumulative CPU time of all CPUs, in clock ticks, by what it went to. */
export interface HostCpuTimes {
  /** user + nice + system + irq + softirq (guest time is inside user). */
  readonly busy: number;
  /** idle + iowait. */
  readonly idle: number;
  readonly steal: number;
}

/** The aggregate `cpu` line of /proc/stat's text, or null when it has none (a kernel before 2.6.11 has no steal column). */
export function parseProcStat(text: string): HostCpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/** This machine's times now, or null where /proc/stat does not exist or has no steal column. */
export function hostCpuTimes(): HostCpuTimes | null {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

export interface StealShare {
  /** Steal as a percentage of all CPU time between the two readings (every CPU counted). */
  readonly ofAll: number;
  /** Steal as a percentage of the time the CPUs were wanted (busy + steal): how much slower the work ran than on its own cores. */
  readonly ofWanted: number;
}

/** The steal between two readings; null when either is missing or no time passed. */
export function stealBetween(a: HostCpuTimes | null, b: HostCpuTimes | null): StealShare | null {
  if (a === null || b === null) return null;
  const busy = b.busy - a.busy;
  const idle = b.idle - a.idle;
  const steal = b.steal - a.steal;
  const all = busy + idle + steal;
  if (!(all > 0)) return null;
  return { ofAll: (100 * steal) / all, ofWanted: busy + steal > 0 ? (100 * steal) / (busy + steal) : 0 };
}
