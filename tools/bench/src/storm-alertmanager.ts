/**
 * A real Alertmanager (Debian's `prometheus-alertmanager`, 0.25; tools/scripts/ensure-debian-packages.sh
 * installs it) for the delivery storm: its own config and storage in a temp dir, clustering off.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor, type ServiceProcess } from './processes';
import { startCommand } from './storm-processes';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface RunningAlertmanager {
  url: string;
  version: string;
  process: ServiceProcess;
  stop(): Promise<void>;
}

/** `0.25.0` from `alertmanager, version 0.25.0 (branch: …)`. */
export function alertmanagerVersion(bin = ALERTMANAGER_BIN): string {
  const text = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return /version (\S+)/.exec(text)?.[1] ?? text.split('\n')[0]!.trim();
}

export async function startAlertmanager(configYaml: string, port: number, logDir: string): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertlark-storm-am-'));
  writeFileSync(path.join(dir, 'alertmanager.yml'), configYaml);
  writeFileSync(path.join(logDir, 'alertmanager.yml'), configYaml);
  const url = `http://127.0.0.1:${port}`;
  const child = startCommand(
    'alertmanager',
    ALERTMANAGER_BIN,
    [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      // Empty: no cluster, no gossip, no peer wait before the first notification.
      '--cluster.listen-address=',
    ],
    {},
    logDir,
    dir,
  );
  const stop = async () => {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${url}/-/ready (log: ${child.logFile})`, async () => {
      if (child.child.exitCode !== null) throw new Error(`alertmanager exited with ${child.child.exitCode}; see ${child.logFile}`);
      return (await fetch(`${url}/-/ready`)).status === 200 || undefined;
    }, 30_000, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, version: alertmanagerVersion(), process: child, stop };
}
