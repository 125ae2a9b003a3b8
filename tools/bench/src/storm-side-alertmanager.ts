/**
 * The storm through Alertmanager 0.25 and a naive bridge: Alertmanager groups by alertname and
 * sends each group to the bridge, which posts one card per notification to the emulator's bot.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sleep, throwIfStopping } from './processes';
import { startAlertmanager } from './storm-alertmanager';
import { startBridge } from './storm-bridge';
import type { BridgeCardStyle } from './storm-bridge-card';
import { alertmanagerConfig, batches, buildStorm, durationMs, postableAlerts, stormFinalCounts, type AlertmanagerTimers } from './storm-load';
import { requestJson } from './storm-processes';
import { countMessages, seenInChat, type EmulatorMessage, type MessageCounts, type SeenInChat } from './storm-tally';

export interface AlertmanagerSideOptions {
  alerts: number;
  alertnames: number;
  batchSize: number;
  timers: AlertmanagerTimers;
  bridgeCard: BridgeCardStyle;
  bridgeRetries: number;
  /** The bridge listens here, Alertmanager on port + 1. */
  port: number;
  emulatorUrl: string;
  botToken: string;
  logDir: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface AlertmanagerSideResult extends Omit<MessageCounts, 'requests'> {
  version: string;
  bridge: { card: BridgeCardStyle; retries: number; posts: number; retriedPosts: number; maxCardBytes: number };
  /** Webhook notifications Alertmanager sent (one per group expected). */
  notifications: number;
  requests: number;
  alertsAccountedFor: number;
  drained: boolean;
  drainSeconds: number | null;
  postSeconds: number;
  /** What a person in the chat saw, group by group. */
  seenInChat: SeenInChat;
}

export async function emulatorMessages(emulatorUrl: string, token: string): Promise<EmulatorMessage[]> {
  const answer = await requestJson<{ messages: EmulatorMessage[] }>('GET', `${emulatorUrl}/_emulator/messages?token=${encodeURIComponent(token)}`);
  if (answer.status !== 200) throw new Error(`emulator messages answered ${answer.status}`);
  return answer.body.messages;
}

export async function runAlertmanagerSide(options: AlertmanagerSideOptions): Promise<AlertmanagerSideResult> {
  const { log } = options;
  const bridge = await startBridge({
    host: '127.0.0.1',
    port: options.port,
    larkUrl: `${options.emulatorUrl}/open-apis/bot/v2/hook/${options.botToken}`,
    style: options.bridgeCard,
    retries: options.bridgeRetries,
    postsLogFile: path.join(options.logDir, 'bridge-posts.jsonl'),
  });
  const alertmanager = await startAlertmanager(alertmanagerConfig(bridge.url, options.timers), options.port + 1, options.logDir).catch(async (error: unknown) => {
    await bridge.close();
    throw error;
  });
  log('alertmanager ready', { url: alertmanager.url, version: alertmanager.version, bridge: bridge.url });
  try {
    const storm = buildStorm({ alerts: options.alerts, alertnames: options.alertnames }, Date.now());
    const t0 = Date.now();
    const started = performance.now();
    for (const batch of batches(storm, options.batchSize)) {
      const answer = await requestJson('POST', `${alertmanager.url}/api/v2/alerts`, { body: postableAlerts(batch) });
      if (answer.status !== 200) throw new Error(`alertmanager answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    const postSeconds = (performance.now() - started) / 1_000;
    const lastPostAt = Date.now();
    log('alertmanager: storm posted', { alerts: storm.length, seconds: round(postSeconds) });

    // Every group notified once and every post over; Alertmanager sends nothing more for a group
    // interval, so a generous deadline only matters when something is broken.
    const deadline = t0 + durationMs(options.timers.groupWait) + 300_000;
    let lastReport = Date.now();
    while (!bridge.tally.isDrained(options.alertnames) && Date.now() < deadline) {
      throwIfStopping();
      if (alertmanager.process.child.exitCode !== null) throw new Error(`alertmanager exited; see ${alertmanager.process.logFile}`);
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log('alertmanager: waiting', { seconds: round((Date.now() - t0) / 1000), ...bridge.tally.summary() });
      }
      await sleep(100);
    }
    const summary = bridge.tally.summary();
    const drained = bridge.tally.isDrained(options.alertnames);
    await sleep(1_000);
    const messages = await emulatorMessages(options.emulatorUrl, options.botToken);
    const counts = countMessages(messages);
    const seen = seenInChat(messages, stormFinalCounts(options), lastPostAt);
    log('alertmanager: done', { drained, ...summary, ...counts, seenInChat: seen });
    return {
      version: alertmanager.version,
      bridge: { card: options.bridgeCard, retries: options.bridgeRetries, posts: summary.posts, retriedPosts: summary.retries, maxCardBytes: summary.maxCardBytes },
      notifications: summary.notifications,
      ...counts,
      alertsAccountedFor: summary.alertsAccountedFor,
      drained,
      drainSeconds: drained && summary.lastPostDoneAt !== undefined ? round((summary.lastPostDoneAt - t0) / 1_000) : null,
      postSeconds: round(postSeconds),
      seenInChat: seen,
    };
  } finally {
    await alertmanager.stop();
    await bridge.close();
  }
}

export const round = (value: number) => Math.round(value * 100) / 100;
