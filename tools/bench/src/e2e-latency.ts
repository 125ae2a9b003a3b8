/**
 * Benchmark: end-to-end alert latency. 20 chatbots, each with one policy (group by alertname, group
 * wait 0s, group interval 1s); new firing alerts pushed to ingest's `POST /api/v2/alerts` every
 * 100 ms at a given rate for a given time; each alert's latency is its POST → the first card for its
 * bot saying at least that many alerts fire (the Lark emulator's receive time). Side by side, one
 * after the other, Alertmanager 0.25 with the same routing and a webhook receiver. Prints one JSON
 * line on stdout; progress on stderr; logs under test-artifacts/bench/<run id>/. See
 * tools/bench/README.md, "e2e-latency".
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { ensureTopics, parseBrokers } from '@alertlark/kafka';
import { runAlertlarkLatency, type AlertlarkLatencyResult } from './e2e-latency-alertlark';
import { runAlertmanagerLatency, type AlertmanagerLatencyResult } from './e2e-latency-alertmanager';
import { alertsPerBot, latencyTargets, type LatencyLoadShape, type LatencyTimers } from './e2e-latency-tally';
import { benchLog, createBenchKafka, logProcessWarnings, runBench, sourceRevision } from './bench-kit';
import { WORKSPACE_ROOT, stopRequest } from './processes';
import type { StormFleet } from './storm-fleet';

type Side = 'alertlark' | 'alertmanager';

interface Options {
  rates: number[];
  durationSeconds: number;
  waitAfterLoadSeconds: number;
  bots: number;
  tickMs: number;
  sides: Side[];
  basePort: number;
  brokers: string[];
  mongoUrl: string;
  logRoot: string;
}

const TIMERS: LatencyTimers = { groupWait: '0s', groupInterval: '1s', repeatInterval: '4h' };

const log = benchLog('latency');

function integer(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}

/** `--name=value` first, then the environment. */
function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const arg = (name: string) => argv.find((entry) => entry.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = arg('only') ?? env.BENCH_LATENCY_ONLY;
  if (only !== undefined && only !== 'alertlark' && only !== 'alertmanager') throw new Error(`--only must be alertlark or alertmanager, got ${only}`);
  const ratesText = arg('rates') ?? env.BENCH_LATENCY_RATES ?? '200,1000';
  const rates = ratesText.split(',').map((rate) => integer('--rates', rate.trim(), 0));
  const options: Options = {
    rates,
    durationSeconds: integer('--duration', arg('duration') ?? env.BENCH_LATENCY_DURATION_S, 30),
    waitAfterLoadSeconds: integer('--wait', arg('wait') ?? env.BENCH_LATENCY_WAIT_S, 60, 0),
    bots: integer('--bots', arg('bots') ?? env.BENCH_LATENCY_BOTS, 20),
    tickMs: integer('BENCH_LATENCY_TICK_MS', env.BENCH_LATENCY_TICK_MS, 100),
    sides: only ? [only] : ['alertlark', 'alertmanager'],
    basePort: integer('--port', arg('port') ?? env.BENCH_LATENCY_PORT, 22_400),
    brokers: parseBrokers(env.KAFKA_BROKERS ?? '127.0.0.1:9092'),
    mongoUrl: env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark',
    logRoot: env.BENCH_LOG_DIR ?? path.join(WORKSPACE_ROOT, 'test-artifacts', 'bench'),
  };
  if (options.rates.some((rate) => (rate * options.tickMs) / 1_000 < 1)) throw new Error('every rate must give at least one alert per tick');
  return options;
}

let fleetToStop: StormFleet | undefined;

interface RateResult {
  rate: number;
  alerts: number;
  alertlark?: AlertlarkLatencyResult;
  alertmanager?: AlertmanagerLatencyResult;
  targets?: ReturnType<typeof latencyTargets>;
}

async function main(): Promise<void> {
  logProcessWarnings(log);
  const options = parseOptions(process.argv.slice(2), process.env);
  const runId = `latency${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const logDir = path.join(options.logRoot, runId);
  mkdirSync(logDir, { recursive: true });
  log(`run ${runId}`, { ...options, logDir: path.relative(WORKSPACE_ROOT, logDir) });

  // BENCH_SOURCE names the source when the tree is not a git checkout (a copy of a commit).
  const revision = sourceRevision();
  const kafka = createBenchKafka('bench-e2e-latency', options.brokers, log);
  let admin: ReturnType<Kafka['admin']> | undefined;
  if (options.sides.includes('alertlark')) {
    await ensureTopics(kafka);
    admin = kafka.admin();
    await admin.connect();
  }
  const results: RateResult[] = [];
  try {
    for (const rate of options.rates) {
      const shape: LatencyLoadShape = { rate, durationSeconds: options.durationSeconds, tickMs: options.tickMs, bots: options.bots };
      const result: RateResult = { rate, alerts: alertsPerBot(shape).reduce((a, b) => a + b, 0) };
      results.push(result);
      const common = { shape, timers: TIMERS, waitAfterLoadMs: options.waitAfterLoadSeconds * 1_000, log };
      if (options.sides.includes('alertlark')) {
        // A fleet of its own per rate (database and consumer groups named after it), stopped after:
        // what it has not shown by the deadline does not load the next measurement.
        const sideRunId = `${runId}r${rate}`;
        const sideLogDir = path.join(logDir, `r${rate}-alertlark`);
        mkdirSync(sideLogDir, { recursive: true });
        result.alertlark = await runAlertlarkLatency(
          kafka,
          admin!,
          { ...common, runId: sideRunId, tag: sideRunId, basePort: options.basePort, brokers: options.brokers, mongoUrl: options.mongoUrl, logDir: sideLogDir },
          (fleet) => (fleetToStop = fleet),
        );
        log(`alertlark at ${rate}/s`, { ...result.alertlark, cpu: undefined });
      }
      if (stopRequest.reason) break;
      if (options.sides.includes('alertmanager')) {
        const sideLogDir = path.join(logDir, `r${rate}-alertmanager`);
        mkdirSync(sideLogDir, { recursive: true });
        result.alertmanager = await runAlertmanagerLatency({ ...common, tag: `${runId}r${rate}am`, port: options.basePort + 30, logDir: sideLogDir });
        log(`alertmanager at ${rate}/s`, { ...result.alertmanager, cpu: undefined });
      }
      if (result.alertlark) result.targets = latencyTargets(result.alertlark, result.alertmanager);
      if (stopRequest.reason) break;
    }
    const line = JSON.stringify({
      bench: 'e2e-latency',
      runId,
      bots: options.bots,
      teams: 1,
      policy: { groupBy: ['alertname'], ...TIMERS },
      load: { endpoint: 'POST /api/v2/alerts', tickMs: options.tickMs, durationSeconds: options.durationSeconds, waitAfterLoadSeconds: options.waitAfterLoadSeconds, newFiringAlertsOnly: true },
      order: 'per rate: Alertlark (a fleet of its own, stopped after), then Alertmanager',
      cpu: {
        pinning: 'none',
        why: 'the sides run one after the other, each with the whole machine; the benchmark process (generator, receiver, Kafka readers) runs unpinned in both; per side, cpu.otherSeconds is what everything else on the machine used meanwhile',
      },
      targets: { allShown: true, p99MaxSeconds: 1.7, p99OverAlertmanagerSeconds: 0.5 },
      rates: results,
      machine: { cpus: os.cpus().length, node: process.version, source: revision, kafka: options.brokers.join(','), logs: path.relative(WORKSPACE_ROOT, logDir) },
      ...(stopRequest.reason ? { stopped: stopRequest.reason } : {}),
    });
    writeFileSync(path.join(logDir, 'result.json'), `${line}\n`);
    process.stdout.write(`${line}\n`);
  } finally {
    await fleetToStop?.stop();
    fleetToStop = undefined;
    await admin?.disconnect();
    log(`run ${runId} torn down`);
  }
}

runBench(main, {
  log,
  abandon: () => fleetToStop?.stop() ?? Promise.resolve(),
  graceMs: 30_000,
  onStop: 'reporting what was seen, then tearing the run down (again to exit at once)',
});
