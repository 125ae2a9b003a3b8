/**
 * The end-to-end latency load through Alertmanager 0.25 (the Debian package, as the delivery storm
 * runs it): one route per bot with the same timers, each to a webhook receiver of its own served by
 * the benchmark. The k-th alert of a bot is shown at the first webhook for that bot whose firing
 * alerts number ≥ k, stamped when its request reached the receiver.
 */
import { createWriteStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { pushLoad } from './e2e-latency-load';
import { CpuWindow, type CpuUse } from './e2e-latency-machine';
import {
  alertsPerBot,
  botLatencies,
  botName,
  durationPercentiles,
  latencyAlertmanagerConfig,
  summarizeLatencies,
  webhookFiringCount,
  type LatencyLoadShape,
  type LatencySummary,
  type LatencyTimers,
  type Percentiles,
  type ShownEvent,
} from './e2e-latency-tally';
import { sleep, stopRequest } from './processes';
import { startAlertmanager } from './storm-alertmanager';

export interface AlertmanagerLatencyOptions {
  tag: string;
  shape: LatencyLoadShape;
  timers: LatencyTimers;
  waitAfterLoadMs: number;
  /** The receiver listens here, Alertmanager on port + 1. */
  port: number;
  logDir: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface AlertmanagerLatencyResult extends LatencySummary {
  version: string;
  /** Webhooks received for the bots. */
  webhooks: number;
  /** Alertmanager's answer to each POST. */
  post: Percentiles & { failedPosts: number; failedAlerts: number };
  maxTickLagMs: number;
  observedSeconds: number;
  cpu: CpuUse;
}

interface Receiver {
  url: string;
  /** Per bot, every webhook: when its request arrived and how many alerts it said fire. */
  events: ShownEvent[][];
  webhooks: number;
  close(): Promise<void>;
}

async function startReceiver(port: number, bots: number, logFile: string): Promise<Receiver> {
  const events: ShownEvent[][] = Array.from({ length: bots }, () => []);
  const index = new Map(Array.from({ length: bots }, (_, bot) => [`/${botName(bot)}`, bot]));
  const log = createWriteStream(logFile);
  const receiver = { webhooks: 0 };
  const server: Server = createServer((request, response) => {
    const at = Date.now();
    const bot = index.get(request.url ?? '');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let firing: number | undefined;
      let alerts = 0;
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts?: unknown[] };
        firing = webhookFiringCount(payload);
        alerts = payload.alerts?.length ?? 0;
      } catch {
        // Not JSON: not a webhook.
      }
      if (request.method === 'POST' && bot !== undefined && firing !== undefined) {
        events[bot]!.push({ at, firing });
        receiver.webhooks++;
        log.write(`${JSON.stringify({ bot: botName(bot), at: new Date(at).toISOString(), firing, alerts })}\n`);
      }
      response.writeHead(bot === undefined ? 404 : 200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    get webhooks() {
      return receiver.webhooks;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => log.end(() => resolve()));
    },
  };
}

export async function runAlertmanagerLatency(options: AlertmanagerLatencyOptions): Promise<AlertmanagerLatencyResult> {
  const { log, shape } = options;
  const receiver = await startReceiver(options.port, shape.bots, path.join(options.logDir, 'webhooks.jsonl'));
  const alertmanager = await startAlertmanager(latencyAlertmanagerConfig(receiver.url, options.tag, shape.bots, options.timers), options.port + 1, options.logDir).catch(async (error: unknown) => {
    await receiver.close();
    throw error;
  });
  try {
    log('alertmanager ready', { url: alertmanager.url, version: alertmanager.version, receiver: receiver.url });
    const cpu = new CpuWindow(() => ({ alertmanager: alertmanager.process.child.pid, bench: process.pid }));
    cpu.start();
    const expected = alertsPerBot(shape);
    const load = await pushLoad({ url: `${alertmanager.url}/api/v2/alerts`, shape, tag: options.tag });
    const deadline = load.lastSentAt + options.waitAfterLoadMs;
    log('alertmanager: load sent', { alerts: expected.reduce((a, b) => a + b, 0), failedPosts: load.failedPosts, firstError: load.firstError, maxTickLagMs: load.maxTickLagMs });
    const allShown = () => expected.every((count, bot) => receiver.events[bot]!.some((event) => event.firing >= count));
    while (!allShown() && Date.now() < deadline && !stopRequest.reason) {
      if (alertmanager.process.child.exitCode !== null) throw new Error(`alertmanager exited; see ${alertmanager.process.logFile}`);
      await sleep(100);
    }
    const observedSeconds = Math.round((Date.now() - load.firstSentAt) / 10) / 100;
    const cpuUsed = cpu.stop();
    const latencies = expected.flatMap((_, bot) => botLatencies(load.sentAt[bot]!, receiver.events[bot]!, deadline));
    return {
      version: alertmanager.version,
      ...summarizeLatencies(latencies),
      webhooks: receiver.webhooks,
      post: { ...durationPercentiles(load.postMs), failedPosts: load.failedPosts, failedAlerts: load.failedAlerts },
      maxTickLagMs: load.maxTickLagMs,
      observedSeconds,
      cpu: cpuUsed,
    };
  } finally {
    await alertmanager.stop();
    await receiver.close();
  }
}
