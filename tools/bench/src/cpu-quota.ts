import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const CPU_CGROUPS = '/sys/fs/cgroup/cpu';
const PERIOD_US = 100_000;
/** Ahead of ungrouped processes (weight 1024 each), so the quota is a share it really gets. */
const SHARES = 8_192;

/**
 * A CPU budget of its own for benchmarked processes on a machine with too few cores to give each
 * one a whole core: a cgroup (v1 `cpu` controller, CFS) allowing at most `percent` of one CPU, with
 * a weight that puts it ahead of everything outside such groups.
 */
export class CpuQuota {
  private constructor(private readonly dir: string) {}

  static available(): boolean {
    return existsSync(path.join(CPU_CGROUPS, 'cgroup.procs'));
  }

  static create(name: string, percent: number): CpuQuota {
    if (!CpuQuota.available()) throw new Error(`no cgroup v1 cpu controller at ${CPU_CGROUPS}: cannot give a CPU quota`);
    if (!(percent > 0 && percent <= 100)) throw new Error(`a CPU quota is a percentage of one CPU (1-100), got ${percent}`);
    const dir = path.join(CPU_CGROUPS, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(Math.round((PERIOD_US * percent) / 100)));
    writeFileSync(path.join(dir, 'cpu.shares'), String(SHARES));
    return new CpuQuota(dir);
  }

  /** Moves a process (every thread it has; threads it starts later stay in the group). */
  add(pid: number): void {
    writeFileSync(path.join(this.dir, 'cgroup.procs'), String(pid));
  }

  /** Removes the group once its processes have exited. */
  remove(): void {
    try {
      rmdirSync(this.dir);
    } catch {
      // A process still in it (killed but not reaped yet): the kernel keeps the group until then.
    }
  }
}
