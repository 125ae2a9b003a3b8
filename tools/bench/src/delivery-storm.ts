/**
 * Benchmark: a storm of alerts (10,000 over 500 alertnames) to one Lark bot, through Alertlark and,
 * in the same run, through Alertmanager 0.25 with a naive one-card-per-notification bridge, both
 * into the Lark emulator (a bot each). Prints one JSON line on stdout: cards, rate-limit and size
 * rejections, alerts accounted for, time to drain. Progress on stderr; logs under
 * test-artifacts/bench/<run id>/. See tools/bench/README.md, "delivery-storm".
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTopics, parseBrokers } from '@alertlark/kafka';
import { benchLog, createBenchKafka, logProcessWarnings, runBench, sourceRevision } from './bench-kit';
import { WORKSPACE_ROOT } from './processes';
import type { BridgeCardStyle } from './storm-bridge-card';
import { registerEmulatorBot, setUpStormTeam, startStormFleet, type StormFleet } from './storm-fleet';
import { durationMs } from './storm-load';
import { runAlertlarkSide, type AlertlarkSideResult } from './storm-side-alertlark';
import { runAlertmanagerSide, type AlertmanagerSideResult } from './storm-side-alertmanager';
import { FINAL_COUNT_WITHIN_MS } from './storm-tally';

type Side = 'alertlark' | 'alertmanager';

interface Options {
  alerts: number;
  alertnames: number;
  senders: number;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  batchSize: number;
  basePort: number;
  bridgeCard: BridgeCardStyle;
  bridgeRetries: number;
  sides: Side[];
  timeoutMs: number;
  brokers: string[];
  mongoUrl: string;
  logRoot: string;
}

const log = benchLog('storm');

function integer(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}

function duration(name: string, text: string): string {
  durationMs(text);
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(text)) throw new Error(`${name} must be a duration like 30s`);
  return text;
}

/** `--name=value` first, then the environment. */
function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const arg = (name: string) => argv.find((entry) => entry.startsWith(`--${name}=`))?.slice(name.length + 3);
  const card = arg('bridge-card') ?? env.BENCH_STORM_BRIDGE_CARD ?? 'naive';
  if (card !== 'naive' && card !== 'fitted') throw new Error(`--bridge-card must be naive or fitted, got ${card}`);
  const only = arg('only') ?? env.BENCH_STORM_ONLY;
  if (only !== undefined && only !== 'alertlark' && only !== 'alertmanager') throw new Error(`--only must be alertlark or alertmanager, got ${only}`);
  const options: Options = {
    alerts: integer('BENCH_STORM_ALERTS', arg('alerts') ?? env.BENCH_STORM_ALERTS, 10_000),
    alertnames: integer('BENCH_STORM_ALERTNAMES', arg('alertnames') ?? env.BENCH_STORM_ALERTNAMES, 500),
    senders: integer('--senders', arg('senders') ?? env.BENCH_STORM_SENDERS, 1),
    // The storm: a card at group wait, the group's latest count every interval.
    groupWait: duration('--group-wait', arg('group-wait') ?? env.BENCH_STORM_GROUP_WAIT ?? '1s'),
    groupInterval: duration('--group-interval', arg('group-interval') ?? env.BENCH_STORM_GROUP_INTERVAL ?? '5s'),
    repeatInterval: duration('BENCH_STORM_REPEAT_INTERVAL', env.BENCH_STORM_REPEAT_INTERVAL ?? '4h'),
    batchSize: integer('BENCH_STORM_BATCH', env.BENCH_STORM_BATCH, 500),
    basePort: integer('BENCH_STORM_PORT', arg('port') ?? env.BENCH_STORM_PORT, 22_100),
    bridgeCard: card,
    bridgeRetries: integer('--bridge-retries', arg('bridge-retries') ?? env.BENCH_STORM_BRIDGE_RETRIES, 0, 0),
    sides: only ? [only] : ['alertmanager', 'alertlark'],
    timeoutMs: integer('BENCH_STORM_TIMEOUT_S', env.BENCH_STORM_TIMEOUT_S, 1_800) * 1_000,
    brokers: parseBrokers(env.KAFKA_BROKERS ?? '127.0.0.1:9092'),
    mongoUrl: env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark',
    logRoot: env.BENCH_LOG_DIR ?? path.join(WORKSPACE_ROOT, 'test-artifacts', 'bench'),
  };
  if (options.alertnames > options.alerts) throw new Error('BENCH_STORM_ALERTNAMES must not exceed BENCH_STORM_ALERTS');
  return options;
}

/** Issue 12's bar for what a person sees of the storm. */
const STORM_TARGETS = { everyGroupAtFinalCountWithinSeconds: FINAL_COUNT_WITHIN_MS / 1000, rejections: 0, maxPerSecond: 5, maxPerMinute: 100 };

function targetsMet(side: AlertlarkSideResult): Record<keyof typeof STORM_TARGETS, boolean> {
  const seen = side.seenInChat;
  return {
    everyGroupAtFinalCountWithinSeconds: seen.lastFinalCountSeconds !== null && seen.lastFinalCountSeconds <= STORM_TARGETS.everyGroupAtFinalCountWithinSeconds,
    rejections: side.rateLimitRejections + side.sizeRejections + Object.values(side.otherRejections).reduce((sum, count) => sum + count, 0) === 0,
    maxPerSecond: seen.busiestSecond <= STORM_TARGETS.maxPerSecond,
    maxPerMinute: seen.busiestMinute <= STORM_TARGETS.maxPerMinute,
  };
}

let fleetToStop: StormFleet | undefined;

async function main(): Promise<void> {
  logProcessWarnings(log);
  const options = parseOptions(process.argv.slice(2), process.env);
  const runId = `storm${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const logDir = path.join(options.logRoot, runId);
  mkdirSync(logDir, { recursive: true });
  log(`run ${runId}`, { ...options, logDir: path.relative(WORKSPACE_ROOT, logDir) });

  const revision = sourceRevision();
  const kafka = createBenchKafka('bench-delivery-storm', options.brokers, log);
  await ensureTopics(kafka);
  const admin = kafka.admin();
  await admin.connect();
  let alertmanager: AlertmanagerSideResult | undefined;
  let alertlark: AlertlarkSideResult | undefined;
  try {
    const fleet = await startStormFleet({ runId, basePort: options.basePort, brokers: options.brokers, mongoUrl: options.mongoUrl, senders: options.senders, logDir }, admin);
    fleetToStop = fleet;
    log('fleet ready', fleet.url);
    const timers = { groupWait: options.groupWait, groupInterval: options.groupInterval, repeatInterval: options.repeatInterval };
    const common = { alerts: options.alerts, alertnames: options.alertnames, batchSize: options.batchSize, logDir, log };
    if (options.sides.includes('alertmanager')) {
      const botToken = `storm-am-${runId}`;
      await registerEmulatorBot(fleet, botToken);
      alertmanager = await runAlertmanagerSide({
        ...common,
        timers,
        bridgeCard: options.bridgeCard,
        bridgeRetries: options.bridgeRetries,
        port: options.basePort + 30,
        emulatorUrl: fleet.url.emulator,
        botToken,
      });
    }
    if (options.sides.includes('alertlark')) {
      const botToken = `storm-alertlark-${runId}`;
      await registerEmulatorBot(fleet, botToken);
      const setup = await setUpStormTeam(fleet, botToken, timers, runId);
      try {
        alertlark = await runAlertlarkSide(kafka, admin, fleet, setup, { ...common, runId, groupWait: options.groupWait, groupInterval: options.groupInterval, senders: options.senders, timeoutMs: options.timeoutMs, botToken });
      } finally {
        await setup.deleteTeam().catch((error: unknown) => log('could not delete the team', { error: String(error) }));
      }
    }
    const line = JSON.stringify({
      bench: 'delivery-storm',
      runId,
      alerts: options.alerts,
      alertnames: options.alertnames,
      groupWait: options.groupWait,
      groupInterval: options.groupInterval,
      senders: options.senders,
      targets: STORM_TARGETS,
      ...(alertlark ? { alertlark: { ...alertlark, targetsMet: targetsMet(alertlark) } } : {}),
      ...(alertmanager ? { alertmanager } : {}),
      machine: { cpus: os.cpus().length, node: process.version, source: revision, kafka: options.brokers.join(','), logs: path.relative(WORKSPACE_ROOT, logDir) },
    });
    writeFileSync(path.join(logDir, 'result.json'), `${line}\n`);
    process.stdout.write(`${line}\n`);
  } finally {
    await fleetToStop?.stop();
    fleetToStop = undefined;
    await admin.disconnect();
    log(`run ${runId} torn down`);
  }
}

runBench(main, {
  log,
  abandon: () => fleetToStop?.stop() ?? Promise.resolve(),
  graceMs: 30_000,
  onStop: 'reporting what was seen, then tearing the run down (again to exit at once)',
});
