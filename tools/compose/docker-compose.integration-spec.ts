/**
 * Checks docker-compose.yml with the real `docker-compose` CLI (`config` needs no Docker engine):
 * it interpolates and validates, and the normalised result has the services, health checks and
 * dependencies `docker compose up` relies on. tools/compose/ensure-docker-compose.sh installs the CLI
 * (Debian bookworm's package is Compose v1.29, which prints YAML only: its own Python and PyYAML
 * turn that into JSON; Compose v2 prints JSON itself).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeFlagsOf } from '@alertlark/service-kit';

const ROOT = path.resolve(__dirname, '../..');
const APP_SERVICES = ['console', 'ingest', 'policy-router', 'lark-sender', 'stats'] as const;
const APP_PORTS: Record<(typeof APP_SERVICES)[number], number> = {
  console: 3000,
  ingest: 3001,
  'policy-router': 3002,
  'lark-sender': 3003,
  stats: 3004,
};
const SECRETS = {
  ALERTLARK_ADMIN_TOKEN: 'compose-test-admin-token-0123456789',
  ALERTLARK_SECRET_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};

interface HealthCheck {
  test?: string[] | string;
}
interface PortMapping {
  published?: number | string;
  target?: number | string;
}
interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  container_name?: string;
  depends_on?: Record<string, { condition?: string }> | string[];
  environment?: Record<string, string | null>;
  healthcheck?: HealthCheck;
  ports?: Array<PortMapping | string>;
}
interface ComposeConfig {
  services: Record<string, Service>;
}

let workDir: string;
let emptyEnvFile: string;

/** Runs docker-compose with only PATH/HOME and the given variables, and no `.env` file. */
function compose(args: string[], vars: Record<string, string>): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'] ?? workDir, ...vars };
  return spawnSync('docker-compose', ['--env-file', emptyEnvFile, '-f', path.join(ROOT, 'docker-compose.yml'), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

function composeMajorVersion(): number {
  const result = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker-compose version failed: ${result.stderr || result.error}`);
  const match = /(\d+)\.\d+/.exec(result.stdout);
  if (!match) throw new Error(`unexpected docker-compose version: ${result.stdout}`);
  return Number(match[1]);
}

/** `docker-compose config` as JSON: native on v2; on v1 the YAML goes through PyYAML, which v1 depends on. */
function loadConfig(vars: Record<string, string>): ComposeConfig {
  if (composeMajorVersion() >= 2) {
    const result = compose(['config', '--format', 'json'], vars);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as ComposeConfig;
  }
  const result = compose(['config'], vars);
  expect(result.status).toBe(0);
  const toJson = spawnSync('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: result.stdout,
    encoding: 'utf8',
  });
  if (toJson.status !== 0) throw new Error(`could not convert the compose YAML to JSON: ${toJson.stderr}`);
  return JSON.parse(toJson.stdout) as ComposeConfig;
}

function healthTest(service: Service): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

function publishedPorts(service: Service): string[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'string') return port.includes(':') ? port.split(':').slice(0, -1).join(':') : '';
    return port.published === undefined || port.published === '' ? '' : String(port.published);
  }).filter(Boolean);
}

describe('docker-compose.yml', () => {
  let config: ComposeConfig;

  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'alertlark-compose-'));
    emptyEnvFile = path.join(workDir, 'empty.env');
    writeFileSync(emptyEnvFile, '');
    const ensure = spawnSync('bash', [path.join(ROOT, 'tools/compose/ensure-docker-compose.sh')], { encoding: 'utf8', timeout: 300_000 });
    if (ensure.status !== 0) throw new Error(`ensure-docker-compose.sh failed: ${ensure.stderr}${ensure.stdout}`);
    config = loadConfig(SECRETS);
  }, 320_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('validates with the secrets set', () => {
    const result = compose(['config', '--quiet'], SECRETS);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('has Kafka, MongoDB, the Lark emulator and every service', () => {
    expect(Object.keys(config.services).sort()).toEqual(
      ['console', 'ingest', 'kafka', 'lark-emulator', 'lark-sender', 'mongo', 'policy-router', 'stats'].sort(),
    );
  });

  it('runs Kafka 4.1.1 in KRaft mode, reachable as kafka:9092, with a health check', () => {
    const kafka = config.services['kafka']!;
    expect(kafka.image).toBe('apache/kafka:4.1.1');
    expect(kafka.environment?.['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(kafka.environment?.['KAFKA_ADVERTISED_LISTENERS']).toBe('PLAINTEXT://kafka:9092');
    expect(kafka.environment?.['CLUSTER_ID']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(healthTest(kafka)).toContain('/opt/kafka/bin/kafka-broker-api-versions.sh');
  });

  it('runs MongoDB 7 as a replica set that its health check initiates', () => {
    const mongo = config.services['mongo']!;
    expect(mongo.image).toBe('mongo:7');
    expect(mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(healthTest(mongo)).toContain('mongosh');
    expect(healthTest(mongo)).toContain('rs.initiate');
  });

  it('runs the Lark emulator from the image on 3100', () => {
    const emulator = config.services['lark-emulator']!;
    expect(emulator.build).toBeDefined();
    expect(emulator.command).toEqual(['node', 'dist/tools/lark-emulator/src/main.js']);
    expect(emulator.environment?.['LARK_EMULATOR_HOST']).toBe('0.0.0.0');
    expect(publishedPorts(emulator)).toEqual(['3100']);
    expect(healthTest(emulator)).toContain('/_emulator/healthz');
  });

  it.each(APP_SERVICES)('%s: built image, its main.js, readiness health check, waits for healthy Kafka and MongoDB', (name) => {
    const service = config.services[name]!;
    const port = APP_PORTS[name];
    expect(service.build).toBeDefined();
    expect(service.command).toEqual(['node', ...nodeFlagsOf(name), `dist/apps/${name}/src/main.js`]);
    expect(healthTest(service)).toContain(`fetch('http://127.0.0.1:${port}/readyz')`);
    expect(service.depends_on).toMatchObject({
      kafka: { condition: 'service_healthy' },
      mongo: { condition: 'service_healthy' },
    });
    expect(service.environment).toMatchObject({
      HOST: '0.0.0.0',
      KAFKA_BROKERS: 'kafka:9092',
    });
    expect(service.environment?.['MONGO_URL']).toMatch(/^mongodb:\/\/mongo:27017\/alertlark\?(replicaSet=rs0|directConnection=true)/);
  });

  it('gives stats and the console the same default time zone for daily statistics', () => {
    const zone = config.services['stats']!.environment?.['ALERTLARK_DEFAULT_TIMEZONE'];
    expect(zone).toBe('UTC');
    expect(config.services['console']!.environment?.['ALERTLARK_DEFAULT_TIMEZONE']).toBe(zone);
  });

  it('publishes the console on 3000 and ingest on 3001', () => {
    expect(publishedPorts(config.services['console']!)).toEqual(['3000']);
    expect(publishedPorts(config.services['ingest']!)).toEqual(['3001']);
  });

  it('gives the console its secrets and allows the emulator as a webhook host', () => {
    expect(config.services['console']!.environment).toMatchObject({
      ...SECRETS,
      ALERTLARK_WEBHOOK_HOSTS_ALLOW: 'lark-emulator:3100',
    });
    expect(config.services['lark-sender']!.environment?.['ALERTLARK_SECRET_KEY']).toBe(SECRETS.ALERTLARK_SECRET_KEY);
    // The sender checks the allowlist again before each request: without it, no card reaches the emulator.
    expect(config.services['lark-sender']!.environment?.['ALERTLARK_WEBHOOK_HOSTS_ALLOW']).toBe('lark-emulator:3100');
  });

  it('lets lark-sender scale: no container_name, no fixed host port', () => {
    const sender = config.services['lark-sender']!;
    expect(sender.container_name).toBeUndefined();
    expect(publishedPorts(sender)).toEqual([]);
  });

  it('refuses to render without ALERTLARK_ADMIN_TOKEN, saying what to set', () => {
    const result = compose(['config', '--quiet'], { ALERTLARK_SECRET_KEY: SECRETS.ALERTLARK_SECRET_KEY });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set ALERTLARK_ADMIN_TOKEN to the console admin token');
  });

  it('refuses to render without ALERTLARK_SECRET_KEY, saying what to set', () => {
    const result = compose(['config', '--quiet'], { ALERTLARK_ADMIN_TOKEN: SECRETS.ALERTLARK_ADMIN_TOKEN });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set ALERTLARK_SECRET_KEY to 32 random bytes');
  });
});
