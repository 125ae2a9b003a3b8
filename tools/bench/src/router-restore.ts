/**
 * Benchmark: policy-router's memory with N firing alerts (default 100,000), and how fast a new
 * owner restores their state from the changelog. Router A routes N new alerts of 20 teams; its RSS
 * is read once it caught up; A stops, router B starts and takes every partition over; B's log says
 * how long the restore took from its assignment. Prints one JSON line. See tools/bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EVENTS, configEventKey } from '@alertlark/contracts';
import { EventPublisher, ensureTopics, parseBrokers } from '@alertlark/kafka';
import { WORKSPACE_ROOT, internalUrl, sleep, startApp, waitFor, type ServiceProcess } from './processes';
import { caughtUp, committedOffsets, createRouterBenchKafka, endOffsets, log, metricSum, presetGroup } from './router-bench-kit';
import { buildAlertLoad, configEvents, lastPolicyKey, teardownEvents, type LoadShape } from './router-load';

const arg = (name: string) => process.argv.find((entry) => entry.startsWith(`--${name}=`))?.slice(name.length + 3);

function rssMb(process: ServiceProcess): number {
  const status = readFileSync(`/proc/${process.child.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** The highest RSS of `process` until stopped, sampled every 100 ms. */
function rssPeak(process: ServiceProcess): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    if (process.child.exitCode === null) peak = Math.max(peak, rssMb(process));
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

/** How long a router idles before its RSS is read again: V8's memory reducer starts 8 s after the work stops. */
const SETTLE_MS = Number(process.env.BENCH_RESTORE_SETTLE_MS ?? 20_000);

const metricMb = (metrics: string, name: string) => Math.round(metricSum(metrics, name) / 1048576);
const heapUsedMb = (metrics: string) => metricMb(metrics, 'nodejs_heap_size_used_bytes');
const settled = (process: ServiceProcess, metrics: string) => ({
  rssMb: rssMb(process),
  heapUsedMb: heapUsedMb(metrics),
  heapTotalMb: metricMb(metrics, 'nodejs_heap_size_total_bytes'),
  externalMb: metricMb(metrics, 'nodejs_external_memory_bytes'),
});

async function main(): Promise<void> {
  const alerts = Number(arg('alerts') ?? process.env.BENCH_ALERTS ?? 100_000);
  const cpus = arg('router-cpus') ?? process.env.BENCH_ROUTER_CPUS;
  const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092');
  const runId = `restore${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const prefix = runId;
  const mongoUrl = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/^(mongodb:\/\/[^/?]+)(\/[^?]*)?/, `$1/${runId}`);
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'bench', runId);
  const shape: LoadShape = { runId, teams: 20, policiesPerTeam: 25, distinctAlerts: alerts, alerts, groupWait: '30s', groupInterval: '5m' };
  const kafka = createRouterBenchKafka(brokers);
  const admin = kafka.admin();
  await admin.connect();
  // A fresh stack has no topics yet (the services create theirs when they start).
  await ensureTopics(kafka);
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const routerEnv = (port: number) => ({ KAFKA_BROKERS: brokers.join(','), MONGO_URL: mongoUrl, HOST: '127.0.0.1', POLICY_ROUTER_PORT: String(port), ALERTLARK_CONSUMER_GROUP_PREFIX: prefix, ALERTLARK_CONSUMER_START: 'latest' });
  const ready = async (router: ServiceProcess, url: string) => {
    await waitFor(`${url}/readyz (log: ${router.logFile})`, async () => {
      if (router.child.exitCode !== null) throw new Error(`router exited; see ${router.logFile}`);
      return (await fetch(`${url}/readyz`)).status === 200 || undefined;
    }, 180_000, 100);
  };
  const started: ServiceProcess[] = [];
  try {
    const config = configEvents(shape);
    for (let i = 0; i < config.length; i += 500) await publisher.publish(EVENTS.config, config.slice(i, i + 500).map((event) => ({ key: configEventKey(event), value: event })));
    const load = buildAlertLoad(shape);
    const start = await endOffsets(admin, EVENTS.alerts.topic);
    await presetGroup(admin, `${prefix}.policy-router`, EVENTS.alerts.topic, start);

    const a = startApp('policy-router-a', 'policy-router', routerEnv(21_100), logDir, cpus);
    started.push(a);
    const peakA = rssPeak(a);
    await ready(a, 'http://127.0.0.1:21100');
    await waitFor('router A to know the last policy', async () => ((await (await fetch(`${internalUrl(21_100)}/internal/config?key=${encodeURIComponent(lastPolicyKey(shape))}`)).json()) as { present?: boolean }).present || undefined);
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < load.messages.length; i += 1_000) await producer.send({ topic: EVENTS.alerts.topic, acks: -1, messages: load.messages.slice(i, i + 1_000) });
    await producer.disconnect();
    const target = await endOffsets(admin, EVENTS.alerts.topic);
    await waitFor('router A to route every alert', async () => caughtUp(await committedOffsets(admin, `${prefix}.policy-router`, EVENTS.alerts.topic), target) || undefined, 600_000, 250);
    await sleep(2_000);
    const metricsA = await (await fetch(`${internalUrl(21_100)}/metrics`)).text();
    const heldByA = metricSum(metricsA, 'alertlark_router_alerts');
    const groupsA = metricSum(metricsA, 'alertlark_router_groups');
    const rssA = rssMb(a);
    const heapA = heapUsedMb(metricsA);
    log('router A caught up', { alerts: heldByA, groups: groupsA, rssMb: rssA, heapUsedMb: heapA, heapTotalMb: metricMb(metricsA, 'nodejs_heap_size_total_bytes'), externalMb: metricMb(metricsA, 'nodejs_external_memory_bytes') });
    await sleep(SETTLE_MS);
    const settledA = settled(a, await (await fetch(`${internalUrl(21_100)}/metrics`)).text());
    log('router A settled', settledA);
    const peakRssA = peakA.stop();
    await a.stop();

    const b = startApp('policy-router-b', 'policy-router', routerEnv(21_101), logDir, cpus);
    started.push(b);
    const peakB = rssPeak(b);
    await ready(b, 'http://127.0.0.1:21101');
    const restoredLine = readFileSync(b.logFile, 'utf8')
      .split('\n')
      .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { message?: string; alerts?: number; groups?: number; ms?: number }) : {}))
      .find((line) => line.message === 'partitions restored');
    await sleep(2_000);
    const rssB = rssMb(b);
    const heapB = heapUsedMb(await (await fetch(`${internalUrl(21_101)}/metrics`)).text());
    await sleep(SETTLE_MS);
    const settledB = settled(b, await (await fetch(`${internalUrl(21_101)}/metrics`)).text());
    const peakRssB = peakB.stop();
    const result = {
      bench: 'router-restore',
      alerts,
      teams: shape.teams,
      policies: shape.teams * shape.policiesPerTeam,
      routerA: { alertsHeld: heldByA, groups: groupsA, rssMb: rssA, heapUsedMb: heapA, peakRssMb: peakRssA, settled: settledA },
      routerB: { restoredAlerts: restoredLine?.alerts ?? null, restoredGroups: restoredLine?.groups ?? null, restoreMs: restoredLine?.ms ?? null, rssMb: rssB, heapUsedMb: heapB, peakRssMb: peakRssB, settled: settledB },
      settleSeconds: SETTLE_MS / 1000,
      routerCpus: cpus ?? 'not pinned',
      targets: { rssMbAtMost: 512, restoreMsAtMost: 10_000 },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.allSettled(started.map((router) => router.stop()));
    await publisher.publish(EVENTS.config, teardownEvents(shape).map((event) => ({ key: configEventKey(event), value: event }))).catch(() => undefined);
    await publisher.disconnect();
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  log(`failed: ${String(error)}`);
  process.exit(1);
});
