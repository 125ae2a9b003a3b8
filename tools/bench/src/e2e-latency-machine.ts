/** CPU accounting for the end-to-end latency benchmark (Linux /proc; undefined elsewhere). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** User + system CPU seconds of a process so far. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // After the command name: utime and stime are the 12th and 13th fields, in clock ticks (100/s).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of all CPUs so far (/proc/stat). */
export function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** The local stack's Kafka and FerretDB (pid files in `ALERTLARK_STACK_DIR`), when it was started by tools/stack. */
export function stackPids(stackDir = process.env.ALERTLARK_STACK_DIR): Record<string, number> {
  const pids: Record<string, number> = {};
  if (!stackDir) return pids;
  for (const name of ['kafka', 'ferretdb']) {
    try {
      const pid = Number(readFileSync(path.join(stackDir, `${name}.pid`), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0) pids[name] = pid;
    } catch {
      // Not started by this stack.
    }
  }
  return pids;
}

export interface CpuUse {
  /** CPU seconds of each process of the measurement during the window. */
  processSeconds: Record<string, number>;
  /** Share of all CPUs busy during the window, any process. */
  machineBusy: number | null;
  /** CPU seconds of every other process meanwhile (other work on a shared machine, the kernel). */
  otherSeconds: number | null;
}

/**
 * CPU seconds each named process used between `start()` and `stop()`, and how busy the whole
 * machine was (share of all CPUs, any process).
 */
export class CpuWindow {
  private startCpu = new Map<string, number | undefined>();
  private startMachine: { busy: number; total: number } | undefined;

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  start(): void {
    this.startCpu = new Map(Object.entries(this.pids()).map(([name, pid]) => [name, processCpuSeconds(pid)]));
    this.startMachine = machineJiffies();
  }

  stop(): CpuUse {
    const processSeconds: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids())) {
      const before = this.startCpu.get(name);
      const after = processCpuSeconds(pid);
      if (before !== undefined && after !== undefined) processSeconds[name] = Math.round((after - before) * 100) / 100;
    }
    const end = machineJiffies();
    if (!this.startMachine || !end || end.total <= this.startMachine.total) return { processSeconds, machineBusy: null, otherSeconds: null };
    const busyJiffies = end.busy - this.startMachine.busy;
    const ours = Object.values(processSeconds).reduce((sum, value) => sum + value, 0);
    return {
      processSeconds,
      machineBusy: Math.round((busyJiffies / (end.total - this.startMachine.total)) * 100) / 100,
      // Jiffies are 1/100 s (USER_HZ): CPU time of everything else on the machine meanwhile.
      otherSeconds: Math.round((busyJiffies / 100 - ours) * 100) / 100,
    };
  }
}
