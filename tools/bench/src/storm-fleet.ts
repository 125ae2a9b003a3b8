/**
 * The storm's Alertlark: the Lark emulator, console, ingest, policy-router and lark-sender(s) as real
 * processes from dist on their own ports, database and consumer groups (as e2e/src/support/fleet.ts
 * does), and the storm's team, chatbot and policy created through the console.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { WORKSPACE_ROOT, internalUrl, startApp, waitFor, type ServiceProcess } from './processes';
import { projectNode, requestJson, startCommand } from './storm-processes';
import { STORM_KEYWORD } from './storm-bridge-card';

export interface StormFleetOptions {
  runId: string;
  basePort: number;
  brokers: string[];
  /** Any database name in it is replaced by the run id. */
  mongoUrl: string;
  senders: number;
  logDir: string;
}

export interface StormFleet {
  url: { console: string; ingest: string; router: string; emulator: string; senders: string[] };
  /** The services' internal ports: /metrics, /internal/config. */
  internal: { ingest: string; router: string; senders: string[] };
  processes: ServiceProcess[];
  adminToken: string;
  /** The emulator's webhook URL of a bot token. */
  hookUrl(token: string): string;
  stop(): Promise<void>;
}

export const fleetPorts = (basePort: number, senders: number) => ({
  console: basePort,
  ingest: basePort + 1,
  router: basePort + 2,
  emulator: basePort + 10,
  senders: Array.from({ length: senders }, (_, i) => basePort + 20 + i),
});

/** Fresh groups start exactly at the topics' ends however their joins are timed: nothing of the storm is skipped. */
async function presetGroups(admin: Admin, prefix: string): Promise<void> {
  const groups: Array<[string, string]> = [
    [`${prefix}.policy-router`, EVENTS.alerts.topic],
    [`${prefix}.lark-sender`, EVENTS.notifications.topic],
  ];
  for (const [groupId, topic] of groups) {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((entry) => ({ partition: entry.partition, offset: entry.offset })) });
  }
}

export async function startStormFleet(options: StormFleetOptions, admin: Admin): Promise<StormFleet> {
  const ports = fleetPorts(options.basePort, options.senders);
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: options.brokers.join(','),
    MONGO_URL: options.mongoUrl.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${options.runId}`),
    HOST: '127.0.0.1',
    ALERTLARK_ADMIN_TOKEN: adminToken,
    ALERTLARK_SECRET_KEY: randomBytes(32).toString('hex'),
    ALERTLARK_WEBHOOK_HOSTS_ALLOW: `127.0.0.1:${ports.emulator}`,
    ALERTLARK_CONSUMER_GROUP_PREFIX: options.runId,
    ALERTLARK_CONSUMER_START: 'latest',
    ALERTLARK_CONSOLE_URL: local(ports.console),
    CONSOLE_PORT: String(ports.console),
    INGEST_PORT: String(ports.ingest),
    POLICY_ROUTER_PORT: String(ports.router),
  };
  await presetGroups(admin, options.runId);
  const emulatorEntry = path.join(WORKSPACE_ROOT, 'dist', 'tools', 'lark-emulator', 'src', 'main.js');
  const processes: ServiceProcess[] = [
    startCommand('lark-emulator', projectNode(), [emulatorEntry], { LARK_EMULATOR_PORT: String(ports.emulator), LARK_EMULATOR_HOST: '127.0.0.1' }, options.logDir),
    startApp('console', 'console', env, options.logDir),
    startApp('ingest', 'ingest', env, options.logDir),
    startApp('policy-router', 'policy-router', env, options.logDir),
    ...ports.senders.map((port, i) => startApp(`lark-sender-${i + 1}`, 'lark-sender', { ...env, LARK_SENDER_PORT: String(port) }, options.logDir)),
  ];
  const fleet: StormFleet = {
    url: { console: local(ports.console), ingest: local(ports.ingest), router: local(ports.router), emulator: local(ports.emulator), senders: ports.senders.map(local) },
    internal: { ingest: internalUrl(ports.ingest), router: internalUrl(ports.router), senders: ports.senders.map(internalUrl) },
    processes,
    adminToken,
    hookUrl: (token) => `${local(ports.emulator)}/open-apis/bot/v2/hook/${token}`,
    stop: async () => {
      await Promise.allSettled(processes.map((child) => child.stop()));
    },
  };
  const ready = async (name: string, url: string) => {
    const child = processes.find((candidate) => candidate.name === name)!;
    await waitFor(`${url} (log: ${child.logFile})`, async () => {
      if (child.child.exitCode !== null) throw new Error(`${name} exited with ${child.child.exitCode}; see ${child.logFile}`);
      return (await fetch(url)).status === 200 || undefined;
    }, 180_000, 250);
  };
  try {
    await ready('lark-emulator', `${fleet.url.emulator}/_emulator/healthz`);
    await Promise.all([
      ready('console', `${fleet.url.console}/readyz`),
      ready('ingest', `${fleet.url.ingest}/readyz`),
      ready('policy-router', `${fleet.url.router}/readyz`),
      ...fleet.url.senders.map((url, i) => ready(`lark-sender-${i + 1}`, `${url}/readyz`)),
    ]);
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}

export async function registerEmulatorBot(fleet: StormFleet, token: string): Promise<void> {
  const answer = await requestJson('POST', `${fleet.url.emulator}/_emulator/bots`, { body: { token, keywords: [STORM_KEYWORD] } });
  if (answer.status !== 201) throw new Error(`emulator bot ${token}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

const waitConfig = (url: string, key: string) =>
  waitFor(`${url} to know ${key}`, async () => (await requestJson<{ present?: boolean }>('GET', `${url}/internal/config?key=${encodeURIComponent(key)}`)).body.present || undefined, 60_000);

export interface StormSetup {
  teamId: string;
  ingestToken: string;
  objectId: string;
  policyId: string;
  deleteTeam(): Promise<void>;
}

/** A team, a chatbot on the emulator bot `botToken` (keyword `alert`), and one policy taking every storm alert. */
export async function setUpStormTeam(fleet: StormFleet, botToken: string, timers: { groupWait: string; groupInterval: string; repeatInterval: string }, runId: string): Promise<StormSetup> {
  const team = await requestJson<{ id: string; apiToken: string; ingestToken: string }>('POST', `${fleet.url.console}/api/v1/teams`, { token: fleet.adminToken, body: { name: `storm ${runId}` } });
  if (team.status !== 201) throw new Error(`team creation answered ${team.status}: ${JSON.stringify(team.body)}`);
  const { id: teamId, apiToken, ingestToken } = team.body;
  await waitConfig(fleet.internal.ingest, `team/${teamId}`);
  const object = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-objects`, {
    token: apiToken,
    body: { name: 'storm bot', webhookUrl: fleet.hookUrl(botToken), keywords: [STORM_KEYWORD] },
  });
  if (object.status !== 201) throw new Error(`notification object answered ${object.status}: ${JSON.stringify(object.body)}`);
  for (const url of fleet.internal.senders) await waitConfig(url, `object/${object.body.id}`);
  const policy = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-policies`, {
    token: apiToken,
    body: { name: 'storm', matchers: ['alertname=~"StormAlert.*"'], objectIds: [object.body.id], groupBy: ['alertname'], ...timers },
  });
  if (policy.status !== 201) throw new Error(`policy answered ${policy.status}: ${JSON.stringify(policy.body)}`);
  await waitConfig(fleet.internal.router, `policy/${policy.body.id}`);
  return {
    teamId,
    ingestToken,
    objectId: object.body.id,
    policyId: policy.body.id,
    deleteTeam: async () => {
      await requestJson('DELETE', `${fleet.url.console}/api/v1/teams/${teamId}`, { token: fleet.adminToken });
    },
  };
}
