/**
 * Benchmark: how many alerts per second Alertlark's ingest takes on `/api/v2/alerts` (answered only
 * once Kafka acknowledged them), beside Alertmanager 0.25 on its own `/api/v2/alerts`, with the same
 * generator in the same run. Each server has a CPU of its own (taskset), the generator the other.
 * Then checks that every alert answered 2xx is in Kafka. One JSON line on stdout; progress on stderr;
 * logs under test-artifacts/bench/<run id>/. See tools/bench/README.md, "ingest-throughput".
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { alertPartition, ensureTopics, parseBrokers } from '@alertlark/kafka';
import { buildBodies, median, openPool, round, runRound, type IngestLoadShape, type LoadTarget, type RoundResult } from './ingest-load';
import { processCpuSeconds, publishBenchTeam, startPinnedAlertmanager, startPinnedIngest, type PinnedServer } from './ingest-servers';
import { benchLog, sourceRevision } from './bench-kit';
import { WORKSPACE_ROOT } from './processes';

type Side = 'alertmanager' | 'alertlark';

const log = benchLog('ingest-bench');

function integer(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv) {
  const arg = (name: string) => argv.find((entry) => entry.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = arg('only') ?? env.BENCH_INGEST_ONLY;
  if (only !== undefined && only !== 'alertlark' && only !== 'alertmanager') throw new Error(`--only must be alertlark or alertmanager, got ${only}`);
  const shape: IngestLoadShape = {
    alertsPerRequest: integer('BENCH_INGEST_BATCH', arg('batch') ?? env.BENCH_INGEST_BATCH, 256),
    requestsPerRound: integer('BENCH_INGEST_REQUESTS', arg('requests') ?? env.BENCH_INGEST_REQUESTS, 200),
    inFlight: integer('BENCH_INGEST_IN_FLIGHT', arg('in-flight') ?? env.BENCH_INGEST_IN_FLIGHT, 8),
    alertnames: 50,
  };
  return {
    shape,
    rounds: integer('BENCH_INGEST_ROUNDS', arg('rounds') ?? env.BENCH_INGEST_ROUNDS, 5),
    basePort: integer('BENCH_INGEST_PORT', arg('port') ?? env.BENCH_INGEST_PORT, 22_200),
    serverCpu: integer('BENCH_INGEST_SERVER_CPU', env.BENCH_INGEST_SERVER_CPU, 0, 0),
    loadCpu: integer('BENCH_INGEST_LOAD_CPU', env.BENCH_INGEST_LOAD_CPU, 1, 0),
    /**
     * A CPU for Kafka's threads during the run (needs ALERTLARK_STACK_DIR), put back afterwards. Unset:
     * Kafka runs where the OS puts it; on a busy machine one CPU starves it and ingest waits on it.
     */
    kafkaCpu: env.BENCH_INGEST_KAFKA_CPU ? integer('BENCH_INGEST_KAFKA_CPU', env.BENCH_INGEST_KAFKA_CPU, 1, 0) : undefined,
    sides: (only ? [only] : ['alertmanager', 'alertlark']) as Side[],
    brokers: parseBrokers(env.KAFKA_BROKERS ?? '127.0.0.1:9092'),
    lingerMs: env.INGEST_PRODUCE_LINGER_MS,
    stackDir: env.ALERTLARK_STACK_DIR,
    logRoot: env.BENCH_LOG_DIR ?? path.join(WORKSPACE_ROOT, 'test-artifacts', 'bench'),
  };
}

async function endOffsets(admin: Admin): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(EVENTS.alerts.topic)).map((entry) => [entry.partition, Number(entry.high)]));
}

/** The Kafka the stack script started, when ALERTLARK_STACK_DIR says where its pid is (for its CPU seconds). */
function kafkaPid(stackDir: string | undefined): number | undefined {
  if (!stackDir) return undefined;
  try {
    return Number(readFileSync(path.join(stackDir, 'kafka.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** Pins every thread of a process to one CPU; returns how to put its affinity back. */
function pinProcess(pid: number, cpu: number): () => void {
  const mask = /affinity mask: ([0-9a-f]+)/.exec(execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8' }))?.[1];
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  return () => {
    if (mask) execFileSync('taskset', ['-a', '-p', mask, String(pid)], { stdio: 'ignore' });
  };
}

interface SideRun {
  server: PinnedServer;
  target: LoadTarget;
  pool: ReturnType<typeof openPool>;
  rounds: (RoundResult & { serverCpuBusy: number; serverCpuMicrosPerAlert: number; kafkaCpuSeconds?: number })[];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  process.removeAllListeners('warning');
  // The generator (this process, all its threads) on its CPU; the servers get theirs below.
  execFileSync('taskset', ['-a', '-p', '-c', String(options.loadCpu), String(process.pid)], { stdio: 'ignore' });
  const runId = `ingest${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const logDir = path.join(options.logRoot, runId);
  mkdirSync(logDir, { recursive: true });
  const kafka = new Kafka({ clientId: 'bench-ingest', brokers: options.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 200, retries: 10 } });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(kafka);
  const bodies = buildBodies(options.shape, new Date(Date.now() - 60_000), new Date(Date.now() + 3_600_000));
  const kafkaProcess = kafkaPid(options.stackDir);
  // Kafka (the benchmark's own stack) off the server's CPU for the run, and back afterwards.
  const unpinKafka = kafkaProcess !== undefined && options.kafkaCpu !== undefined ? pinProcess(kafkaProcess, options.kafkaCpu) : undefined;
  const sides = new Map<Side, SideRun>();
  let team: Awaited<ReturnType<typeof publishBenchTeam>> | undefined;
  const stop = async () => {
    try {
      unpinKafka?.();
    } catch {
      // Kafka has gone meanwhile.
    }
    for (const side of sides.values()) await side.pool.close().catch(() => undefined);
    await Promise.allSettled([...sides.values()].map((side) => side.server.stop()));
    await team?.remove().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    if (options.sides.includes('alertmanager')) {
      const server = await startPinnedAlertmanager(options.basePort + 1, options.serverCpu, logDir);
      const target = { origin: server.url, path: '/api/v2/alerts' };
      sides.set('alertmanager', { server, target, pool: openPool(target, options.shape.inFlight), rounds: [] });
      log('alertmanager up', { url: server.url, version: server.version, cpu: options.serverCpu });
    }
    if (options.sides.includes('alertlark')) {
      team = await publishBenchTeam(kafka, runId);
      const env: Record<string, string> = { KAFKA_BROKERS: options.brokers.join(','), ALERTLARK_CONSUMER_GROUP_PREFIX: runId, ...(options.lingerMs ? { INGEST_PRODUCE_LINGER_MS: options.lingerMs } : {}) };
      const server = await startPinnedIngest(options.basePort, options.serverCpu, env, logDir, team.teamId);
      const target = { origin: server.url, path: '/api/v2/alerts', token: team.ingestToken };
      sides.set('alertlark', { server, target, pool: openPool(target, options.shape.inFlight), rounds: [] });
      log('ingest up', { url: server.url, cpu: options.serverCpu });
    }
    // Warm-up (JIT, connections, Kafka metadata): a quarter round each, not counted.
    for (const side of sides.values()) await runRound(side.pool, side.target, bodies.slice(0, Math.ceil(bodies.length / 4)), options.shape);
    const before = await endOffsets(admin);
    for (let index = 0; index < options.rounds; index++) {
      // Alternating order (AB BA …), so drift in what else the machine does falls on both.
      const order = index % 2 === 0 ? [...sides.keys()] : [...sides.keys()].reverse();
      for (const name of order) {
        const side = sides.get(name)!;
        const cpuBefore = side.server.cpuSeconds();
        const kafkaBefore = processCpuSeconds(kafkaProcess);
        const result = await runRound(side.pool, side.target, bodies, options.shape);
        const serverCpu = side.server.cpuSeconds() - cpuBefore;
        const serverCpuBusy = round(serverCpu / result.seconds, 2);
        // CPU per alert depends far less than alerts/s on what else the machine is doing.
        const serverCpuMicrosPerAlert = round((serverCpu * 1e6) / Math.max(1, result.okAlerts), 1);
        const kafkaCpuSeconds = name === 'alertlark' && kafkaProcess ? round(processCpuSeconds(kafkaProcess) - kafkaBefore, 2) : undefined;
        side.rounds.push({ ...result, serverCpuBusy, serverCpuMicrosPerAlert, ...(kafkaCpuSeconds === undefined ? {} : { kafkaCpuSeconds }) });
        log(`round ${index + 1} ${name}`, { alertsPerSecond: result.alertsPerSecond, seconds: result.seconds, failed: result.failed, serverCpuBusy, serverCpuMicrosPerAlert });
      }
    }
    const output: Record<string, unknown> = {
      bench: 'ingest-throughput',
      runId,
      alertsPerRequest: options.shape.alertsPerRequest,
      inFlight: options.shape.inFlight,
      requestsPerRound: options.shape.requestsPerRound,
      rounds: options.rounds,
      pinning: {
        server: `taskset -c ${options.serverCpu}`,
        generator: `taskset -c ${options.loadCpu}`,
        kafka: unpinKafka ? `taskset -a -c ${options.kafkaCpu} ` : 'not pinned',
      },
    };
    for (const [name, side] of sides) {
      output[name] = {
        alertsPerSecond: median(side.rounds.map((entry) => entry.alertsPerSecond)),
        roundsAlertsPerSecond: side.rounds.map((entry) => entry.alertsPerSecond),
        latencyMsP50: median(side.rounds.map((entry) => entry.latencyMs.p50)),
        latencyMsP99: median(side.rounds.map((entry) => entry.latencyMs.p99)),
        serverCpuBusy: median(side.rounds.map((entry) => entry.serverCpuBusy * 100)) / 100,
        serverCpuMicrosPerAlert: median(side.rounds.map((entry) => entry.serverCpuMicrosPerAlert * 10)) / 10,
        failed: side.rounds.reduce((sum, entry) => sum + Object.values(entry.failed).reduce((a, b) => a + b, 0), 0),
        ...(name === 'alertmanager' ? { version: (side.server as PinnedServer & { version?: string }).version } : {}),
        ...(name === 'alertlark' ? { lingerMs: Number(options.lingerMs ?? 5), kafkaCpuSeconds: side.rounds.map((entry) => entry.kafkaCpuSeconds ?? null) } : {}),
      };
    }
    const alertlark = sides.get('alertlark');
    if (alertlark && team) {
      // Every alert answered 2xx is on its team's partition (the stack is the benchmark's own: nothing else writes).
      const after = await endOffsets(admin);
      const partition = alertPartition(team.teamId);
      const delta = (p: number) => (after.get(p) ?? 0) - (before.get(p) ?? 0);
      const accepted = alertlark.rounds.reduce((sum, entry) => sum + entry.okAlerts, 0);
      const written = delta(partition);
      const elsewhere = [...after.keys()].filter((p) => p !== partition).reduce((sum, p) => sum + delta(p), 0);
      output.kafkaCheck = { accepted, written, partition, otherPartitions: elsewhere, ok: written === accepted };
      log('kafka check', output.kafkaCheck as Record<string, unknown>);
    }
    const [am, al] = [output.alertmanager as { alertsPerSecond: number } | undefined, output.alertlark as { alertsPerSecond: number } | undefined];
    if (am && al) output.ratio = round(al.alertsPerSecond / am.alertsPerSecond, 2);
    output.machine = { cpus: os.cpus().length, loadAverage: os.loadavg().map((value) => round(value, 2)), node: process.version, source: sourceRevision(), kafka: options.brokers.join(','), logs: path.relative(WORKSPACE_ROOT, logDir) };
    writeFileSync(path.join(logDir, 'result.json'), `${JSON.stringify(output)}\n`);
    process.stdout.write(`${JSON.stringify(output)}\n`);
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
