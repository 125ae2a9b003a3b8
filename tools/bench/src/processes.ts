import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeFlagsOf } from '@alertlark/service-kit';

/** The workspace root, from dist/tools/bench/src or tools/bench/src. */
export const WORKSPACE_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../../..' : '../../..');

/** The project's Node 24 (the `node` devDependency), whichever node runs the benchmark. */
function nodeBinary(): string {
  const local = path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

/**
 * The internal port's URL (/metrics, /readyz details, /internal/config) of an app listening on
 * `port`: apps started here keep the default internal port, their port + 1000.
 */
export function internalUrl(port: number): string {
  return `http://127.0.0.1:${port + 1000}`;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** User + system CPU seconds so far (Linux /proc), or undefined. */
  cpuSeconds(): number | undefined;
}

/**
 * Starts a compiled app (`dist/apps/<app>/src/main.js`) with its own environment; output goes to a
 * log file. With `cpus` (a `taskset -c` list) the process runs on those CPUs only.
 */
export function startApp(name: string, app: string, env: Record<string, string>, logDir: string, cpus?: string): ServiceProcess {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to every app: Node refuses
  // profiling flags in NODE_OPTIONS.
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const command = [nodeBinary(), ...nodeFlagsOf(app), ...nodeArgs, path.join(WORKSPACE_ROOT, 'dist', 'apps', app, 'src', 'main.js')];
  // taskset execs the program, so the child's pid (and its CPU time) stays the app's.
  const [file, ...args] = cpus ? ['taskset', '-c', cpus, ...command] : command;
  const child = spawn(file!, args, {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let lastCpu: number | undefined;
  const cpuSeconds = () => {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      lastCpu = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // Exited or not Linux: keep the last reading.
    }
    return lastCpu;
  };
  const stop = async (graceMs = 10_000) => {
    cpuSeconds();
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, child, logFile, stop, cpuSeconds };
}

/** Set on SIGINT/SIGTERM: waits give up, so the benchmark tears its run down and exits. */
export const stopRequest: { reason: string | undefined } = { reason: undefined };

export function throwIfStopping(): void {
  if (stopRequest.reason) throw new Error(`stopped by ${stopRequest.reason}`);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    throwIfStopping();
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
