import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { alertPartition } from '@alertlark/kafka';
import { WORKSPACE_ROOT, requestJson, startProcess, waitFor, waitReady, type RunningProcess } from '@alertlark/testing';

export const SERVICES = ['console', 'ingest', 'policy-router', 'lark-sender', 'stats'] as const;
export type ServiceName = (typeof SERVICES)[number];

const PORT_ENV: Record<ServiceName, string> = {
  console: 'CONSOLE_PORT',
  ingest: 'INGEST_PORT',
  'policy-router': 'POLICY_ROUTER_PORT',
  'lark-sender': 'LARK_SENDER_PORT',
  stats: 'STATS_PORT',
};

const INTERNAL_PORT_ENV: Record<ServiceName, string> = {
  console: 'CONSOLE_INTERNAL_PORT',
  ingest: 'INGEST_INTERNAL_PORT',
  'policy-router': 'POLICY_ROUTER_INTERNAL_PORT',
  'lark-sender': 'LARK_SENDER_INTERNAL_PORT',
  stats: 'STATS_INTERNAL_PORT',
};

/**
 * A service's internal port (/metrics, /readyz details, /internal/config) in these tests: its port
 * + 20, inside the spec's range, clear of the extra replicas specs start at base + 50..61 and of
 * the emulator at base + 100.
 */
const INTERNAL_PORT_OFFSET = 20;

/** The internal port's URL of a service listening on `port`, started by `startFleet` or with `portEnv`. */
export function internalUrlOf(port: number): string {
  return `http://127.0.0.1:${port + INTERNAL_PORT_OFFSET}`;
}

/** The variables giving an extra replica of `service` its port, and its internal port beside it. */
export function portEnv(service: ServiceName, port: number): Record<string, string> {
  return { [PORT_ENV[service]]: String(port), [INTERNAL_PORT_ENV[service]]: String(port + INTERNAL_PORT_OFFSET) };
}

export interface Fleet {
  url: Record<ServiceName | 'emulator', string>;
  /** Each service's internal port: /metrics, /readyz with its checks, /internal/config. */
  internalUrl: Record<ServiceName, string>;
  adminToken: string;
  env: Record<string, string>;
  processes: RunningProcess[];
  /** Where each process writes its log, `<name>.log`. */
  logDir: string;
  /** Teams created through `createTeam`, deleted again by `stop`. */
  createTeam(name: string): Promise<{ id: string; name: string; apiToken: string; ingestToken: string }>;
  stop(): Promise<void>;
}

/**
 * The whole product (or the `services` asked for) as separate real processes on their own ports, database and consumer groups,
 * so a test run never shares state with `npm start` or an earlier run.
 */
export async function startFleet(basePort: number, extraEnv: Record<string, string> = {}, options: { services?: readonly ServiceName[] } = {}): Promise<Fleet> {
  const services = options.services ?? SERVICES;
  const runId = `e2e${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const emulatorPort = basePort + 100;
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  const mongoUrl = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${runId}$1`);
  const env: Record<string, string> = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    MONGO_URL: mongoUrl,
    HOST: '127.0.0.1',
    ALERTLARK_ADMIN_TOKEN: adminToken,
    ALERTLARK_SECRET_KEY: randomBytes(32).toString('hex'),
    ALERTLARK_WEBHOOK_HOSTS_ALLOW: `127.0.0.1:${emulatorPort}`,
    ALERTLARK_CONSUMER_GROUP_PREFIX: runId,
    // Fresh groups on a shared log: start at its end, not at other runs' history.
    ALERTLARK_CONSUMER_START: 'latest',
    ALERTLARK_CONSOLE_URL: `http://127.0.0.1:${basePort}`,
    LARK_EMULATOR_PORT: String(emulatorPort),
    ...Object.fromEntries(SERVICES.map((service, index) => [PORT_ENV[service], String(basePort + index)])),
    ...extraEnv,
  };
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', runId);
  // Internal ports go to each process, not into `env`: specs start extra replicas from `env`.
  const processes = [
    startProcess('lark-emulator', 'lark-emulator', env, logDir),
    ...services.map((service) => startProcess(service, service, { ...env, ...portEnv(service, basePort + SERVICES.indexOf(service)) }, logDir)),
  ];
  const url = {
    emulator: `http://127.0.0.1:${emulatorPort}`,
    ...Object.fromEntries(SERVICES.map((service, index) => [service, `http://127.0.0.1:${basePort + index}`])),
  } as Fleet['url'];
  const internalUrl = Object.fromEntries(SERVICES.map((service, index) => [service, internalUrlOf(basePort + index)])) as Fleet['internalUrl'];
  const teamIds: string[] = [];
  const fleet: Fleet = {
    url,
    internalUrl,
    adminToken,
    env,
    processes,
    logDir,
    createTeam: async (name) => {
      const answer = await requestJson<{ id: string; name: string; apiToken: string; ingestToken: string }>('POST', `${url.console}/api/v1/teams`, {
        token: adminToken,
        body: { name },
      });
      if (answer.status !== 201) throw new Error(`team creation answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      teamIds.push(answer.body.id);
      return answer.body;
    },
    // Later consumers replaying the shared topics then find these teams deleted and route nothing
    // to this run's (gone) emulator.
    stop: async () => {
      await Promise.allSettled(teamIds.map((id) => requestJson('DELETE', `${url.console}/api/v1/teams/${id}`, { token: adminToken })));
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
  try {
    await waitReady(`${url.emulator}/_emulator/healthz`);
    await Promise.all(services.map((service) => waitReady(`${url[service]}/readyz`, 90_000)));
  } catch (error) {
    await fleet.stop();
    throw new Error(`${String(error)}; logs in ${logDir}`);
  }
  return fleet;
}

/** Waits until a service's in-memory configuration holds `key` (e.g. `policy/<id>`). */
export function waitForConfig(fleet: Fleet, service: ServiceName, key: string): Promise<true> {
  return waitFor(`${service} to see ${key}`, async () => {
    const answer = await requestJson<{ present: boolean }>('GET', `${fleet.internalUrl[service]}/internal/config?key=${encodeURIComponent(key)}`);
    return answer.body.present || undefined;
  });
}

/**
 * A new team whose alerts go to a partition `wanted` takes (team ids are random: a few tries, the
 * others deleted with the fleet). Isolation tests place a quiet team on a storming team's
 * partition, as one team in twelve is in production (its alerts are read behind the storm's), or
 * off it.
 */
export async function createTeamOnPartition(fleet: Fleet, name: string, wanted: (partition: number) => boolean): Promise<Awaited<ReturnType<Fleet['createTeam']>>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const team = await fleet.createTeam(`${name}-${attempt}`);
    if (wanted(alertPartition(team.id))) return team;
  }
  throw new Error(`no team on a wanted partition in 100 tries`);
}

/**
 * Where a stalled flow stands, for a test's failure message (CI shows the output, not the logs):
 * each service's readiness checks and its last warnings and errors, kafkajs' own left out.
 */
export async function diagnose(fleet: Fleet, linesPerService = 8): Promise<string> {
  const services = await Promise.all(
    SERVICES.map(async (service) => {
      const ready = await fetch(`${fleet.internalUrl[service]}/readyz`).then((answer) => answer.text(), (error: unknown) => String(error));
      let log = '';
      try {
        log = readFileSync(path.join(fleet.logDir, `${service}.log`), 'utf8');
      } catch {
        // Not started by this fleet.
      }
      const last = log.split('\n').filter((line) => /"level":"(warn|error)"/.test(line) && !line.includes('"context":"kafkajs')).slice(-linesPerService).map((line) => line.slice(0, 400));
      return { service, ready: ready.slice(0, 400), last };
    }),
  );
  return JSON.stringify(services);
}
