import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { nodeFlagsOf } from '@alertlark/service-kit';

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../..');

/** The compiled entry point of an app or tool (`npm run build` writes them). */
export function entryPoint(project: string): string {
  const folder = project === 'lark-emulator' ? 'tools/lark-emulator' : `apps/${project}`;
  return path.join(WORKSPACE_ROOT, 'dist', folder, 'src', 'main.js');
}

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** SIGTERM, and SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
}

/** The project's Node 24 (the `node` devDependency), whichever node runs the tests. */
function nodeBinary(): string {
  const local = path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

/** Starts a real service process with its own environment; its output goes to a log file. */
export function startProcess(name: string, project: string, env: Record<string, string>, logDir: string): RunningProcess {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(nodeBinary(), [...nodeFlagsOf(project), entryPoint(project)], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, child, logFile, stop: (graceMs = 10_000) => signal('SIGTERM', graceMs), kill: () => signal('SIGKILL', 0) };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** Resolves once GET url answers 200. */
export function waitReady(url: string, timeoutMs = 60_000): Promise<true> {
  return waitFor(`${url} to answer 200`, async () => (await fetch(url)).status === 200 || undefined, timeoutMs, 250);
}
