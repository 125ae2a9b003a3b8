/** Any command as a child process with its output in a log file (the storm's emulator and Alertmanager). */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT, type ServiceProcess } from './processes';

export function startCommand(name: string, command: string, args: string[], env: Record<string, string>, logDir: string, cwd = WORKSPACE_ROOT): ServiceProcess {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.on('error', (error) => log.write(`spawn failed: ${error.message}\n`));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, child, logFile, stop, cpuSeconds: () => undefined };
}

/** The project's Node 24 (the `node` devDependency), whichever node runs the benchmark. */
export function projectNode(): string {
  const local = path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

/** A JSON request with an optional bearer token; the answer parsed when it is JSON. */
export async function requestJson<T = unknown>(method: string, url: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body: parsed as T };
}
