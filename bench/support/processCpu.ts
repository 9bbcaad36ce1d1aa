import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in ticks of 10 ms on every mainstream kernel. */
const MS_PER_TICK = 10;

/**
 * CPU time (user + system, in ms) a process has used so far, from `/proc/<pid>/stat`; null where
 * there is no /proc (not Linux) or the process is gone. Per-process CPU per request is steadier
 * than a rate on a shared two-core machine: it does not move with what the neighbours do.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is the first, utime the 12th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return null;
  }
}
