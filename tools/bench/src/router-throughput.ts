/**
 * Benchmark: policy-router throughput (alerts/s through policy matching and grouping) with 1, then
 * 2 real router processes, 500 policies across 20 teams. Prints one JSON line on stdout; logs go to
 * stderr, router logs and metrics to test-artifacts/bench/<run id>/. See tools/bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { EVENTS, configEventKey } from '@alertlark/contracts';
import { EventPublisher, ensureTopics, parseBrokers } from '@alertlark/kafka';
import { CpuQuota } from './cpu-quota';
import { WORKSPACE_ROOT, internalUrl, sleep, startApp, throwIfStopping, waitFor, type ServiceProcess } from './processes';
import { logProcessWarnings, runBench } from './bench-kit';
import { caughtUp, committedOffsets, createRouterBenchKafka, endOffsets, log, metricSum, presetGroup, total } from './router-bench-kit';
import { buildAlertLoad, configEvents, lastPolicyKey, teamId, teardownEvents, type AlertLoad, type LoadShape } from './router-load';

interface Options {
  alerts: number;
  distinctAlerts: number;
  teams: number;
  policiesPerTeam: number;
  groupWait: string;
  groupInterval: string;
  routerCounts: number[];
  basePort: number;
  brokers: string[];
  mongoUrl: string;
  batchSize: number;
  /** Produce requests in flight while loading: the producer must outrun the routers. */
  inFlight: number;
  /** Per router, a `taskset -c` CPU list (router i takes entry i); empty: not pinned. */
  routerCpus: string[];
  /**
   * The whole load is on the topic before the routers start, and t0 is the moment the first of
   * them has restored its partitions once their group is stable: the producer then takes no CPU
   * from routers that have a core each.
   */
  preload: boolean;
  /** Per router, at most this percentage of one CPU (its own cgroup, ahead of other processes); undefined: no quota. */
  routerCpuQuota: number | undefined;
  timeoutMs: number;
  logRoot: string;
}

interface RunResult {
  routers: number;
  seconds: number;
  alertsPerSecond: number;
  /** Until the first stage (alerts topic) had committed everything. */
  produceSeconds: number;
  /** This run's notifications, from the first send until NOTIFICATION_WINDOW_MS after grouping caught up. */
  notifications: number;
  /** Group flushes (sent or quiet) by the routers, from their /metrics at the end. */
  flushes: number;
  routerCpuSeconds: number;
  /** Share of all CPUs busy (any process) between the first send and the end. */
  machineCpuBusy: number;
  eventsChanged: number;
  eventsUnchanged: number;
}

/** How long after grouping caught up notifications still count (group wait + interval, and some). */
const NOTIFICATION_WINDOW_MS = 10_000;

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** Environment first, then `--alerts=N` (or a bare number) and `--routers=1,2` on the command line. */
function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const arg = (name: string) => argv.find((entry) => entry.startsWith(`--${name}=`))?.slice(name.length + 3);
  const bare = argv.find((entry) => /^\d+$/.test(entry));
  const alerts = positiveInt('alerts', arg('alerts') ?? bare ?? env.BENCH_ALERTS, 20_000);
  const routers = (arg('routers') ?? env.BENCH_ROUTERS ?? '1,2').split(',').map((count) => positiveInt('routers', count.trim(), 1));
  const mongo = env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark';
  return {
    alerts,
    distinctAlerts: Math.min(alerts, positiveInt('BENCH_DISTINCT_ALERTS', env.BENCH_DISTINCT_ALERTS, 2_000)),
    teams: positiveInt('BENCH_TEAMS', env.BENCH_TEAMS, 24),
    policiesPerTeam: positiveInt('BENCH_POLICIES_PER_TEAM', env.BENCH_POLICIES_PER_TEAM, 25),
    groupWait: env.BENCH_GROUP_WAIT ?? '30s',
    groupInterval: env.BENCH_GROUP_INTERVAL ?? '5m',
    routerCounts: routers,
    basePort: positiveInt('BENCH_PORT', env.BENCH_PORT, 21_000),
    brokers: parseBrokers(env.KAFKA_BROKERS ?? '127.0.0.1:9092'),
    mongoUrl: mongo,
    batchSize: positiveInt('BENCH_BATCH', env.BENCH_BATCH, 1_000),
    inFlight: positiveInt('BENCH_IN_FLIGHT', env.BENCH_IN_FLIGHT, 8),
    routerCpus: (arg('router-cpus') ?? env.BENCH_ROUTER_CPUS ?? '').split(';').filter(Boolean),
    preload: argv.includes('--preload') || env.BENCH_PRELOAD === '1',
    routerCpuQuota: (arg('router-cpu-quota') ?? env.BENCH_ROUTER_CPU_QUOTA) ? positiveInt('router-cpu-quota', arg('router-cpu-quota') ?? env.BENCH_ROUTER_CPU_QUOTA, 100) : undefined,
    timeoutMs: positiveInt('BENCH_TIMEOUT_S', env.BENCH_TIMEOUT_S, 3_600) * 1_000,
    logRoot: env.BENCH_LOG_DIR ?? path.join(WORKSPACE_ROOT, 'test-artifacts', 'bench'),
  };
}

/** Busy and total jiffies of all CPUs (Linux /proc/stat), for the machine's CPU use. */
function cpuTimes(): { busy: number; all: number } | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const values = fields.map(Number);
    const all = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: all - idle, all };
  } catch {
    return undefined;
  }
}

/** Counts this run's notifications on alertlark.notifications.v1 from the offsets taken before the load. */
class NotificationCounter {
  count = 0;
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly teams: ReadonlySet<string>,
  ) {}

  async start(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: EVENTS.notifications.topic, fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        try {
          const { teamId: team } = JSON.parse(message.value?.toString() ?? '{}') as { teamId?: string };
          if (team && this.teams.has(team)) this.count++;
        } catch {
          // Not ours to judge.
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

const running = new Set<ServiceProcess>();

async function runOnce(kafka: Kafka, admin: Admin, options: Options, routers: number): Promise<{ result: RunResult; load: Omit<AlertLoad, 'messages'> }> {
  const runId = `bench${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const prefix = `${runId}-${routers}routers`;
  const shape: LoadShape = {
    runId,
    teams: options.teams,
    policiesPerTeam: options.policiesPerTeam,
    distinctAlerts: options.distinctAlerts,
    alerts: options.alerts,
    groupWait: options.groupWait,
    groupInterval: options.groupInterval,
  };
  const logDir = path.join(options.logRoot, runId);
  const mongoUrl = options.mongoUrl.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${runId}`);
  const alertsGroup = `${prefix}.policy-router`;
  log(`run ${runId}: ${routers} router(s)`, { prefix, mongoUrl, logDir });

  const started = performance.now();
  const load: AlertLoad = buildAlertLoad(shape);
  log('alert events built', { events: load.messages.length, ms: Math.round(performance.now() - started), kinds: load.kinds, matching: load.matching });

  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const processes: ServiceProcess[] = [];
  const quotas: CpuQuota[] = [];
  let counter: NotificationCounter | undefined;
  try {
    const config = configEvents(shape);
    for (let i = 0; i < config.length; i += 500) {
      await publisher.publish(
        EVENTS.config,
        config.slice(i, i + 500).map((event) => ({ key: configEventKey(event), value: event })),
      );
    }
    log('configuration published', { events: config.length });

    const alertsStart = await endOffsets(admin, EVENTS.alerts.topic);
    const notificationsStart = await endOffsets(admin, EVENTS.notifications.topic);
    await presetGroup(admin, alertsGroup, EVENTS.alerts.topic, alertsStart);
    await presetGroup(admin, `${runId}.bench-notifications`, EVENTS.notifications.topic, notificationsStart);

    counter = new NotificationCounter(kafka, `${runId}.bench-notifications`, new Set(Array.from({ length: shape.teams }, (_, team) => teamId(shape, team))));
    await counter.start();

    // Several requests in flight, so the load arrives faster than routers take it.
    const produceLoad = async (): Promise<number> => {
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      let next = 0;
      await Promise.all(
        Array.from({ length: options.inFlight }, async () => {
          for (let i = next; i < load.messages.length; i = next) {
            next += options.batchSize;
            await producer.send({ topic: EVENTS.alerts.topic, acks: -1, messages: load.messages.slice(i, i + options.batchSize) });
          }
        }),
      );
      const produced = performance.now();
      await producer.disconnect();
      return produced;
    };
    const preloadStarted = performance.now();
    const preloaded = options.preload ? await produceLoad() : undefined;
    if (preloaded !== undefined) log('load preloaded', { events: load.messages.length, seconds: round((preloaded - preloadStarted) / 1000) });

    const urls: string[] = [];
    const internalUrls: string[] = [];
    for (let i = 0; i < routers; i++) {
      const port = options.basePort + i;
      urls.push(`http://127.0.0.1:${port}`);
      internalUrls.push(internalUrl(port));
      const router = startApp(`policy-router-${i + 1}`, 'policy-router', {
        KAFKA_BROKERS: options.brokers.join(','),
        MONGO_URL: mongoUrl,
        HOST: '127.0.0.1',
        POLICY_ROUTER_PORT: String(port),
        ALERTLARK_CONSUMER_GROUP_PREFIX: prefix,
        ALERTLARK_CONSUMER_START: 'latest',
      }, logDir, options.routerCpus[i]);
      processes.push(router);
      running.add(router);
      if (options.routerCpuQuota !== undefined) {
        const quota = CpuQuota.create(`${runId}-router-${i + 1}`, options.routerCpuQuota);
        quotas.push(quota);
        quota.add(router.child.pid!);
      }
    }
    // The group settled with every router in it: no rebalance pauses the measurement. Preloaded,
    // the routers route from their first assignment on, so this is t0 (to within the 20 ms poll);
    // the broker's group.initial.rebalance.delay.ms must give every router time to join first.
    await waitFor(`the consumer group to hold ${routers} member(s)`, async () => {
      for (const [i, router] of processes.entries()) if (router.child.exitCode !== null) throw new Error(`router ${i + 1} exited with ${router.child.exitCode}; see ${router.logFile}`);
      const { groups } = await admin.describeGroups([alertsGroup]);
      return groups.every((group) => group.state === 'Stable' && group.members.length === routers) || undefined;
    }, 180_000, options.preload ? 20 : 250);
    // Preloaded, a router routes once it has restored its partitions (the changelog, read through a
    // consumer group of its own that the broker's initial rebalance delay holds up too): t0 is the
    // first router's /readyz, polled on all at once. The restore has a benchmark of its own.
    if (options.preload) await Promise.any(urls.map((url, i) => waitFor(`${url}/readyz (log: ${processes[i]!.logFile})`, async () => (await fetch(`${url}/readyz`)).status === 200 || undefined, 180_000, 10)));
    const readyAt = performance.now();
    const cpuAtReady = cpuTimes();
    const cpuSecondsAtReady = processes.reduce((sum, router) => sum + (router.cpuSeconds() ?? 0), 0);
    for (const [i, url] of urls.entries()) {
      await waitFor(`${url}/readyz (log: ${processes[i]!.logFile})`, async () => (await fetch(`${url}/readyz`)).status === 200 || undefined, 180_000, 250);
      await waitFor(`${url} to know ${lastPolicyKey(shape)}`, async () => {
        const answer = (await (await fetch(`${internalUrls[i]}/internal/config?key=${encodeURIComponent(lastPolicyKey(shape))}`)).json()) as { present?: boolean };
        return answer.present || undefined;
      });
    }
    log('routers ready', { urls });

    const cpuBefore = options.preload ? cpuAtReady : cpuTimes();
    const t0 = options.preload ? readyAt : performance.now();
    const produced = preloaded ?? (await produceLoad());
    const alertsTarget = await endOffsets(admin, EVENTS.alerts.topic);
    // Preloaded, the load was on the topic before t0.
    const produceSeconds = options.preload ? 0 : round((produced - t0) / 1000);
    log(options.preload ? 'routing the preloaded load' : 'load produced', { events: load.messages.length, produceSeconds, topicGrowth: total(alertsTarget) - total(alertsStart) });

    const deadline = t0 + options.timeoutMs;
    let lastReport = performance.now();
    let doneAt: number;
    for (;;) {
      throwIfStopping();
      const now = performance.now();
      if (now > deadline) throw new Error(`not caught up after ${options.timeoutMs / 1000} s; see ${logDir}`);
      const committed = await committedOffsets(admin, alertsGroup, EVENTS.alerts.topic);
      // Offsets are committed only once a batch's changelog records and notifications are acknowledged.
      if (caughtUp(committed, alertsTarget)) {
        doneAt = now;
        break;
      }
      if (now - lastReport > 10_000) {
        lastReport = now;
        log('routing', { remaining: total(alertsTarget) - total(committed), seconds: round((now - t0) / 1000) });
      }
      await sleep(20);
    }
    const cpuAfter = cpuTimes();
    // Preloaded, the routers' start (configuration replay, joining) is not part of the measurement.
    const routerCpuSeconds = processes.reduce((sum, router) => sum + (router.cpuSeconds() ?? 0), 0) - (options.preload ? cpuSecondsAtReady : 0);
    const seconds = (doneAt - t0) / 1000;
    log('routing caught up', { seconds: round(seconds) });

    // Notifications: those of this run's teams until a fixed while after grouping caught up.
    await sleep(Math.max(0, doneAt + NOTIFICATION_WINDOW_MS - performance.now()));
    const notifications = counter.count;
    log('notifications counted', { notifications, windowSeconds: NOTIFICATION_WINDOW_MS / 1000 });

    let eventsChanged = 0;
    let eventsUnchanged = 0;
    let flushes = 0;
    for (const [i, url] of internalUrls.entries()) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      writeFileSync(path.join(logDir, `policy-router-${i + 1}.metrics.txt`), metrics);
      eventsChanged += metricSum(metrics, 'alertlark_router_alert_events_total', 'outcome="changed"');
      eventsUnchanged += metricSum(metrics, 'alertlark_router_alert_events_total', 'outcome="unchanged"');
      flushes += metricSum(metrics, 'alertlark_router_group_flushes_total');
      log(`router ${i + 1} metrics`, {
        cpuSeconds: metricSum(metrics, 'process_cpu_seconds_total'),
        alertEvents: metricSum(metrics, 'alertlark_router_alert_events_total'),
        flushes: { sent: metricSum(metrics, 'alertlark_router_group_flushes_total', 'outcome="sent"'), quiet: metricSum(metrics, 'alertlark_router_group_flushes_total', 'outcome="quiet"') },
        eventLoopLagP99: metricSum(metrics, 'nodejs_eventloop_lag_p99_seconds'),
      });
    }

    const result: RunResult = {
      routers,
      seconds: round(seconds),
      alertsPerSecond: Math.round(load.messages.length / seconds),
      produceSeconds,
      notifications,
      flushes,
      routerCpuSeconds: round(routerCpuSeconds),
      machineCpuBusy: cpuBefore && cpuAfter ? round((cpuAfter.busy - cpuBefore.busy) / (cpuAfter.all - cpuBefore.all)) : -1,
      eventsChanged,
      eventsUnchanged,
    };
    return { result, load: { kinds: load.kinds, alertnames: load.alertnames, matching: load.matching } };
  } finally {
    await Promise.allSettled(
      processes.map(async (router) => {
        await router.stop();
        running.delete(router);
      }),
    );
    for (const quota of quotas) quota.remove();
    await counter?.stop().catch(() => undefined);
    await publisher
      .publish(EVENTS.config, teardownEvents(shape).map((event) => ({ key: configEventKey(event), value: event })))
      .catch((error: unknown) => log('could not delete the teams', { error: String(error) }));
    await publisher.disconnect().catch(() => undefined);
    log(`run ${runId} torn down`);
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  logProcessWarnings(log);
  const options = parseOptions(process.argv.slice(2), process.env);
  log('options', { ...options, logRoot: path.relative(WORKSPACE_ROOT, options.logRoot) });
  const kafka = createRouterBenchKafka(options.brokers);
  await ensureTopics(kafka);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const runs: RunResult[] = [];
    let probe: Omit<AlertLoad, 'messages'> | undefined;
    for (const routers of options.routerCounts) {
      const { result, load } = await runOnce(kafka, admin, options, routers);
      runs.push(result);
      probe = load;
    }
    process.stdout.write(
      `${JSON.stringify({
        bench: 'router-throughput',
        alerts: options.alerts,
        distinctAlerts: options.distinctAlerts,
        alertnames: probe!.alertnames,
        teams: options.teams,
        policies: options.teams * options.policiesPerTeam,
        groupWait: options.groupWait,
        groupInterval: options.groupInterval,
        mix: probe!.kinds,
        matchingShare: round(probe!.matching / options.alerts),
        producerInFlight: options.inFlight,
        preloaded: options.preload,
        routerCpuQuotaPercent: options.routerCpuQuota ?? 'none',
        routerCpus: options.routerCpus.length > 0 ? options.routerCpus : 'not pinned',
        runs,
        machine: { cpus: os.cpus().length, node: process.version, kafka: options.brokers.join(','), mongo: options.mongoUrl.replace(/\/[^/]*$/, '') },
      })}\n`,
    );
  } finally {
    await admin.disconnect();
  }
}

const stopRouters = () => Promise.allSettled([...running].map((router) => router.stop(3_000)));

// The usual teardown stops the routers and deletes the teams.
runBench(main, { log, abandon: stopRouters, graceMs: 20_000, onStop: 'tearing the run down' });
