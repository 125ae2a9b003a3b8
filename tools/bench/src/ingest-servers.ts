/**
 * The two servers the ingest benchmark compares, each pinned to its CPU with `taskset`: Alertmanager
 * 0.25 (a null receiver: it stores and groups alerts, notifies nobody) and Alertlark's ingest (from
 * dist), whose team is published straight to the config topic as the console would.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { EVENTS, configEventKey, type ConfigEvent } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { hashToken } from '@alertlark/secrets';
import { WORKSPACE_ROOT, internalUrl, waitFor, type ServiceProcess } from './processes';
import { ALERTMANAGER_BIN, alertmanagerVersion } from './storm-alertmanager';
import { projectNode, requestJson, startCommand } from './storm-processes';

export interface PinnedServer {
  url: string;
  process: ServiceProcess;
  /** User + system CPU seconds of the process so far (Linux /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** User + system CPU seconds of a process (fields 14 and 15 of /proc/<pid>/stat, in 100 Hz ticks). */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function waitUp(server: PinnedServer, probe: string): Promise<void> {
  await waitFor(`${server.url}${probe} (log: ${server.process.logFile})`, async () => {
    if (server.process.child.exitCode !== null) throw new Error(`${server.process.name} exited with ${server.process.child.exitCode}; see ${server.process.logFile}`);
    return (await fetch(`${server.url}${probe}`)).status === 200 || undefined;
  }, 120_000, 200);
}

function pinned(name: string, cpu: number, command: string, args: string[], env: Record<string, string>, logDir: string, url: string, cleanup = () => {}): PinnedServer {
  // taskset execs the command: the pid is the server's own.
  const child = startCommand(name, 'taskset', ['-c', String(cpu), command, ...args], env, logDir);
  return {
    url,
    process: child,
    cpuSeconds: () => processCpuSeconds(child.child.pid),
    stop: async () => {
      await child.stop();
      cleanup();
    },
  };
}

export async function startPinnedAlertmanager(port: number, cpu: number, logDir: string): Promise<PinnedServer & { version: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertlark-ingest-bench-am-'));
  // A route to a receiver without integrations: Alertmanager validates, stores and groups every
  // alert, and its notifications go nowhere (so nothing else competes for the CPU).
  const config = ['route:', '  receiver: nowhere', "  group_by: ['alertname']", 'receivers:', '  - name: nowhere', ''].join('\n');
  writeFileSync(path.join(dir, 'alertmanager.yml'), config);
  writeFileSync(path.join(logDir, 'alertmanager.yml'), config);
  const url = `http://127.0.0.1:${port}`;
  const args = [`--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, `--web.external-url=${url}`, '--cluster.listen-address='];
  const server = pinned('alertmanager', cpu, ALERTMANAGER_BIN, args, {}, logDir, url, () => rmSync(dir, { recursive: true, force: true }));
  try {
    await waitUp(server, '/-/ready');
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { ...server, version: alertmanagerVersion() };
}

export interface IngestSetup {
  teamId: string;
  ingestToken: string;
}

/** A team only ingest needs to know (its token hash), published to the config topic as the console would. */
export async function publishBenchTeam(kafka: Kafka, runId: string): Promise<IngestSetup & { remove(): Promise<void> }> {
  const teamId = `team_${runId}`;
  const ingestToken = `alk_ingest_${randomBytes(24).toString('hex')}`;
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const publish = async (event: ConfigEvent) => publisher.publish(EVENTS.config, [{ key: configEventKey(event), value: event }]);
  await publish({ type: 'team.upserted', team: { id: teamId, name: `ingest bench ${runId}`, ingestTokenHash: hashToken(ingestToken) } });
  return {
    teamId,
    ingestToken,
    remove: async () => {
      await publish({ type: 'team.deleted', teamId });
      await publisher.disconnect();
    },
  };
}

export async function startPinnedIngest(port: number, cpu: number, env: Record<string, string>, logDir: string, teamId: string): Promise<PinnedServer> {
  const url = `http://127.0.0.1:${port}`;
  const entry = path.join(WORKSPACE_ROOT, 'dist', 'apps', 'ingest', 'src', 'main.js');
  const server = pinned('ingest', cpu, projectNode(), [entry], { ...env, HOST: '127.0.0.1', INGEST_PORT: String(port) }, logDir, url);
  try {
    await waitUp(server, '/readyz');
    await waitFor(`ingest to know team/${teamId}`, async () => (await requestJson<{ present?: boolean }>('GET', `${internalUrl(port)}/internal/config?key=team/${teamId}`)).body.present || undefined, 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
