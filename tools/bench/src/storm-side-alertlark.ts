/**
 * The storm through Alertlark: posted to ingest as Alertmanager webhooks; followed on
 * `alertlark.notifications.v1` (what the router produced for the bot) and `alertlark.deliveries.v1`
 * (what the sender made of it) until every alert was notified and every notification finished.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { EVENTS, notificationEventSchema } from '@alertlark/contracts';
import { sleep, stopRequest, waitFor } from './processes';
import type { StormFleet, StormSetup } from './storm-fleet';
import { batches, buildStorm, durationMs, ingestWebhook, stormFinalCounts } from './storm-load';
import { requestJson } from './storm-processes';
import { emulatorMessages, round } from './storm-side-alertmanager';
import { AlertlarkTally, countMessages, seenInChat, type AlertlarkSummary, type MessageCounts, type SeenInChat } from './storm-tally';

export interface AlertlarkSideOptions {
  runId: string;
  alerts: number;
  alertnames: number;
  batchSize: number;
  groupWait: string;
  groupInterval: string;
  senders: number;
  timeoutMs: number;
  botToken: string;
  logDir: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface AlertlarkSideResult extends Omit<AlertlarkSummary, 'lastFinalAt'>, Omit<MessageCounts, 'requests'> {
  requests: number;
  drained: boolean;
  drainSeconds: number | null;
  /** Why the wait ended before the storm drained (timeout, stall, a service exited), else null. */
  stopReason: string | null;
  /** Seconds from the first post to the end of the wait (drained or not). */
  observedSeconds: number;
  postSeconds: number;
  /** Seconds from the first post to the first notification for the bot. */
  firstNotificationSeconds: number | null;
  /**
   * Seconds from the first post until the router had committed every storm alert (its offsets are
   * committed once a batch's changelog and notifications are acknowledged).
   */
  routerCaughtUpSeconds: number | null;
  /** What a person in the chat saw, group by group. */
  seenInChat: SeenInChat;
}

/** True once each group has committed up to the ends its topic had after the storm was posted. */
async function caughtUp(admin: Admin, targets: ReadonlyArray<{ groupId: string; topic: string; ends: Map<number, number> }>): Promise<boolean> {
  for (const { groupId, topic, ends } of targets) {
    const [answer] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = new Map((answer?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]));
    if (![...ends].every(([partition, end]) => (committed.get(partition) ?? -1) >= end)) return false;
  }
  return true;
}

const topicEnds = async (admin: Admin, topic: string) => new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, Number(entry.offset)]));

/** Follows a topic from its current end (the group is preset there), passing each parsed value on. */
async function follow(kafka: Kafka, admin: Admin, groupId: string, topic: string, handle: (value: unknown) => void): Promise<Consumer> {
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({ groupId, topic, partitions: ends.map((entry) => ({ partition: entry.partition, offset: entry.offset })) });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      try {
        handle(JSON.parse(message.value?.toString() ?? 'null'));
      } catch {
        // Not JSON: not ours.
      }
    },
  });
  await waitFor(`a reader on ${topic} to join`, async () => joined || undefined, 60_000);
  return consumer;
}

/** The router's and senders' groups settled with their members, so no rebalance pauses the storm. */
async function waitForStableGroups(admin: Admin, prefix: string, senders: number): Promise<void> {
  const wanted: Record<string, number> = { [`${prefix}.policy-router`]: 1, [`${prefix}.lark-sender`]: senders };
  await waitFor('the services\' consumer groups to be stable', async () => {
    const { groups } = await admin.describeGroups(Object.keys(wanted));
    return groups.every((group) => group.state === 'Stable' && group.members.length === wanted[group.groupId]) || undefined;
  }, 120_000, 500);
}

export async function runAlertlarkSide(kafka: Kafka, admin: Admin, fleet: StormFleet, setup: StormSetup, options: AlertlarkSideOptions): Promise<AlertlarkSideResult> {
  const { log } = options;
  const tally = new AlertlarkTally(setup.objectId);
  let firstNotificationAt: number | undefined;
  let t0 = Date.now();
  const notificationLog = createWriteStream(path.join(options.logDir, 'alertlark-notifications.jsonl'));
  const consumers: Consumer[] = [];
  try {
    consumers.push(
      await follow(kafka, admin, `${options.runId}.bench-storm-notifications`, EVENTS.notifications.topic, (value) => {
        const parsed = notificationEventSchema.safeParse(value); // an alert group's notification (not a daily summary)
        if (!parsed.success || parsed.data.teamId !== setup.teamId) return;
        firstNotificationAt ??= Date.now();
        tally.addNotification(parsed.data);
        const { notificationId, groupKey, alerts, totals, createdAt } = parsed.data;
        notificationLog.write(`${JSON.stringify({ seenSeconds: round((Date.now() - t0) / 1_000), notificationId, groupKey, alerts: alerts.length, totals, createdAt })}\n`);
      }),
      await follow(kafka, admin, `${options.runId}.bench-storm-deliveries`, EVENTS.deliveries.topic, (value) => {
        const parsed = EVENTS.deliveries.schema.safeParse(value);
        if (parsed.success && parsed.data.teamId === setup.teamId) tally.addDelivery(parsed.data);
      }),
    );
    await waitForStableGroups(admin, options.runId, options.senders);
    log('alertlark ready', { teamId: setup.teamId, objectId: setup.objectId, policyId: setup.policyId });

    const storm = buildStorm({ alerts: options.alerts, alertnames: options.alertnames }, Date.now());
    t0 = Date.now();
    const started = performance.now();
    for (const batch of batches(storm, options.batchSize)) {
      const answer = await requestJson('POST', `${fleet.url.ingest}/api/v1/alerts/alertmanager`, { token: setup.ingestToken, body: ingestWebhook(batch) });
      if (answer.status !== 202) throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    const postSeconds = (performance.now() - started) / 1_000;
    const lastPostAt = Date.now();
    log('alertlark: storm posted', { alerts: storm.length, seconds: round(postSeconds) });
    const alertsEnds = await topicEnds(admin, EVENTS.alerts.topic);
    const routerTargets: Array<{ groupId: string; topic: string; ends: Map<number, number> }> = [{ groupId: `${options.runId}.policy-router`, topic: EVENTS.alerts.topic, ends: alertsEnds }];
    let routerCaughtUpAt: number | undefined;
    let lastRouterCheck = 0;

    // Gives up at the timeout, on a signal, or when nothing has happened for a group interval and
    // 3 minutes after the first notification (a stuck router or sender), and reports what it saw.
    const stallMs = durationMs(options.groupInterval) + 180_000;
    let lastReport = Date.now();
    let stopReason = '';
    while (!tally.isDrained(options.alerts)) {
      const now = Date.now();
      const dead = fleet.processes.find((child) => child.child.exitCode !== null);
      // A first SIGINT/SIGTERM ends the wait like a timeout: the run still reports what it saw.
      if (stopRequest.reason) stopReason = `stopped by ${stopRequest.reason}`;
      else if (dead) stopReason = `${dead.name} exited with ${dead.child.exitCode}; see ${dead.logFile}`;
      else if (now - t0 > options.timeoutMs) stopReason = `timeout after ${options.timeoutMs / 1000} s`;
      else if (firstNotificationAt !== undefined && now - Math.max(tally.lastActivityAt, firstNotificationAt) > stallMs) stopReason = `nothing new for ${stallMs / 1000} s`;
      if (stopReason) break;
      if (routerCaughtUpAt === undefined && now - lastRouterCheck >= 1_000) {
        lastRouterCheck = now;
        if (await caughtUp(admin, routerTargets)) {
          routerCaughtUpAt = now;
          log('alertlark: router caught up', { seconds: round((now - t0) / 1000) });
        }
      }
      if (now - lastReport > 10_000) {
        lastReport = now;
        const { lastFinalAt: _last, ...summary } = tally.summary();
        log('alertlark: waiting', { seconds: round((now - t0) / 1000), ...summary });
      }
      await sleep(200);
    }
    const drained = stopReason === '';
    const observedSeconds = (Date.now() - t0) / 1_000;
    if (!drained) log(`alertlark: NOT drained: ${stopReason}`);
    // A card sent twice would show up just after.
    await sleep(3_000);
    // Taken together: when the storm did not drain, the sender is still at work.
    const { lastFinalAt, ...summary } = tally.summary();
    const messages = await emulatorMessages(fleet.url.emulator, options.botToken);
    writeFileSync(
      path.join(options.logDir, 'alertlark-messages.jsonl'),
      messages.map(({ body: _body, ...rest }) => JSON.stringify(rest)).join('\n') + '\n',
    );
    const routerMetrics = await fetch(`${fleet.internal.router}/metrics`).then((answer) => answer.text()).catch((error: unknown) => `# ${String(error)}`);
    writeFileSync(path.join(options.logDir, 'policy-router.metrics.txt'), routerMetrics);
    for (const [i, url] of fleet.internal.senders.entries()) {
      const metrics = await fetch(`${url}/metrics`).then((answer) => answer.text()).catch((error: unknown) => `# ${String(error)}`);
      writeFileSync(path.join(options.logDir, `lark-sender-${i + 1}.metrics.txt`), metrics);
    }
    const counts = countMessages(messages);
    const seen = seenInChat(messages, stormFinalCounts(options), lastPostAt);
    log('alertlark: done', { drained, ...summary, ...counts, seenInChat: seen });
    return {
      ...summary,
      ...counts,
      drained,
      drainSeconds: drained && lastFinalAt !== undefined ? round((lastFinalAt - t0) / 1_000) : null,
      stopReason: drained ? null : stopReason,
      observedSeconds: round(observedSeconds),
      postSeconds: round(postSeconds),
      firstNotificationSeconds: firstNotificationAt !== undefined ? round((firstNotificationAt - t0) / 1_000) : null,
      routerCaughtUpSeconds: routerCaughtUpAt !== undefined ? round((routerCaughtUpAt - t0) / 1_000) : null,
      seenInChat: seen,
    };
  } finally {
    await Promise.allSettled(consumers.map((consumer) => consumer.disconnect()));
    notificationLog.end();
  }
}
