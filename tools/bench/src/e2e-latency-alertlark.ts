/**
 * The end-to-end latency load through Alertlark: a fleet of its own (the delivery storm's: emulator,
 * console, ingest, policy-router, one lark-sender), one team with 20 chatbots on 20 emulator bots and
 * one policy each, the load pushed to ingest's `POST /api/v2/alerts`, and each alert's latency read
 * off the emulator's log (its own receive time of the first card saying enough alerts fire).
 * Kafka's notifications and deliveries topics are followed too: they tell where the time goes
 * (alert sent → the router's notification → the card) and when every bot has been shown everything.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { EVENTS, notificationEventSchema } from '@alertlark/contracts';
import { pushLoad, type PushedLoad } from './e2e-latency-load';
import { CpuWindow, stackPids, type CpuUse } from './e2e-latency-machine';
import {
  ROUTING_LABEL,
  alertsPerBot,
  botLatencies,
  botName,
  botRoutingValue,
  cardEvents,
  cardFiringCount,
  durationPercentiles,
  hopDurations,
  summarizeLatencies,
  type LatencyLoadShape,
  type LatencySummary,
  type LatencyTimers,
  type LoggedCard,
  type Percentiles,
  type ShownEvent,
} from './e2e-latency-tally';
import { sleep, stopRequest, waitFor } from './processes';
import { STORM_KEYWORD } from './storm-bridge-card';
import { registerEmulatorBot, startStormFleet, type StormFleet } from './storm-fleet';
import { requestJson } from './storm-processes';

export interface AlertlarkLatencyOptions {
  runId: string;
  tag: string;
  shape: LatencyLoadShape;
  timers: LatencyTimers;
  waitAfterLoadMs: number;
  basePort: number;
  brokers: string[];
  mongoUrl: string;
  logDir: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface AlertlarkLatencyResult extends LatencySummary {
  /** Cards the emulator accepted for the 20 bots, and requests it refused. */
  cards: number;
  refusedRequests: number;
  /** ingest's answer to each POST (Kafka acknowledged the alerts). */
  ingestPost: Percentiles & { failedPosts: number; failedAlerts: number };
  /** Alert sent → the router's first notification counting it (its `createdAt`), over every alert sent. */
  notified: LatencySummary;
  /** Per alert both notified and shown: that notification's `createdAt` → the card counting it (lark-sender and the emulator). */
  notificationToCard: Percentiles;
  /** Per notification: its `createdAt` → the benchmark's reader has it (the router's produce and one Kafka hop). */
  notificationInKafka: Percentiles;
  notifications: number;
  maxTickLagMs: number;
  /** Seconds from the first POST to the end of the wait (all shown, or the deadline). */
  observedSeconds: number;
  cpu: CpuUse;
}

interface TeamSetup {
  teamId: string;
  ingestToken: string;
  objectIds: string[];
  botTokens: string[];
  deleteTeam(): Promise<void>;
}

const waitConfig = (url: string, key: string) =>
  waitFor(`${url} to know ${key}`, async () => (await requestJson<{ present?: boolean }>('GET', `${url}/internal/config?key=${encodeURIComponent(key)}`)).body.present || undefined, 60_000);

async function created<T>(what: string, answer: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await answer;
  if (status !== 201) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** One team; per bot an emulator bot, a chatbot on it (keyword `alert`) and a policy taking that bot's routing label. */
async function setUpTeam(fleet: StormFleet, options: AlertlarkLatencyOptions): Promise<TeamSetup> {
  const { bots } = options.shape;
  const botTokens = Array.from({ length: bots }, (_, bot) => `${options.runId}-${botName(bot)}`);
  for (const token of botTokens) await registerEmulatorBot(fleet, token);
  const team = await created('team creation', requestJson<{ id: string; apiToken: string; ingestToken: string }>('POST', `${fleet.url.console}/api/v1/teams`, { token: fleet.adminToken, body: { name: `latency ${options.runId}` } }));
  const deleteTeam = async () => {
    await requestJson('DELETE', `${fleet.url.console}/api/v1/teams/${team.id}`, { token: fleet.adminToken });
  };
  await waitConfig(fleet.internal.ingest, `team/${team.id}`);
  const objectIds: string[] = [];
  for (const [bot, token] of botTokens.entries()) {
    const object = await created(`chatbot ${botName(bot)}`, requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-objects`, {
      token: team.apiToken,
      body: { name: `latency ${botName(bot)}`, webhookUrl: fleet.hookUrl(token), keywords: [STORM_KEYWORD] },
    }));
    objectIds.push(object.id);
  }
  const policyIds: string[] = [];
  for (const [bot, objectId] of objectIds.entries()) {
    const policy = await created(`policy ${botName(bot)}`, requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-policies`, {
      token: team.apiToken,
      body: {
        name: `latency ${botName(bot)}`,
        matchers: [`${ROUTING_LABEL}="${botRoutingValue(options.tag, bot)}"`],
        objectIds: [objectId],
        groupBy: ['alertname'],
        ...options.timers,
      },
    }));
    policyIds.push(policy.id);
  }
  await Promise.all([
    ...objectIds.flatMap((id) => fleet.internal.senders.map((url) => waitConfig(url, `object/${id}`))),
    ...policyIds.map((id) => waitConfig(fleet.internal.router, `policy/${id}`)),
  ]);
  return { teamId: team.id, ingestToken: team.ingestToken, objectIds, botTokens, deleteTeam };
}

/** Reads `topics` from their current ends in a group of its own, handing each parsed value on. */
async function follow(kafka: Kafka, admin: Admin, groupId: string, topics: string[], handle: (topic: string, value: unknown) => void): Promise<Consumer> {
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((entry) => ({ partition: entry.partition, offset: entry.offset })) });
  }
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      try {
        handle(topic, JSON.parse(message.value?.toString() ?? 'null'));
      } catch {
        // Not JSON: not ours.
      }
    },
  });
  await waitFor(`a reader on ${topics.join(', ')} to join`, async () => joined || undefined, 60_000);
  return consumer;
}

/**
 * Every consumer group of the run with members (the services' and the reader's, whatever the
 * router's are called; an empty one, such as a finished restore's, does not count) stable, the
 * router's and the sender's among them, three checks in a row: no rebalance pauses the load.
 */
async function waitForStableGroups(admin: Admin, prefix: string): Promise<void> {
  let streak = 0;
  await waitFor('the run\'s consumer groups to be stable', async () => {
    const { groups } = await admin.listGroups();
    const ours = groups.map((group) => group.groupId).filter((id) => id.startsWith(`${prefix}.`));
    const described = ours.length > 0 ? (await admin.describeGroups(ours)).groups : [];
    const live = described.filter((group) => group.members.length > 0 || group.state !== 'Empty');
    const stable =
      live.every((group) => group.state === 'Stable' && group.members.length > 0) &&
      live.some((group) => group.groupId === `${prefix}.policy-router`) &&
      live.some((group) => group.groupId === `${prefix}.lark-sender`);
    streak = stable ? streak + 1 : 0;
    return streak >= 3 || undefined;
  }, 120_000, 500);
}

async function emulatorCards(fleet: StormFleet, token: string): Promise<{ accepted: LoggedCard[]; refused: number }> {
  const answer = await requestJson<{ messages: LoggedCard[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${encodeURIComponent(token)}`);
  if (answer.status !== 200) throw new Error(`emulator messages answered ${answer.status}`);
  const accepted = answer.body.messages.filter((message) => message.accepted);
  return { accepted, refused: answer.body.messages.length - accepted.length };
}

export async function runAlertlarkLatency(kafka: Kafka, admin: Admin, options: AlertlarkLatencyOptions, onFleet: (fleet: StormFleet | undefined) => void): Promise<AlertlarkLatencyResult> {
  const { log, shape } = options;
  const fleet = await startStormFleet({ runId: options.runId, basePort: options.basePort, brokers: options.brokers, mongoUrl: options.mongoUrl, senders: 1, logDir: options.logDir }, admin);
  onFleet(fleet);
  const consumers: Consumer[] = [];
  let setup: TeamSetup | undefined;
  try {
    log('alertlark fleet ready', fleet.url);
    setup = await setUpTeam(fleet, options);
    const team = setup;
    const botOf = new Map(team.objectIds.map((id, bot) => [id, bot]));
    // Per bot: the router's notifications (when, how many firing) and which were delivered.
    const notificationEvents: ShownEvent[][] = Array.from({ length: shape.bots }, () => []);
    const notificationFiring = new Map<string, { bot: number; firing: number }>();
    const deliveredFiring: number[] = new Array<number>(shape.bots).fill(0);
    const inKafkaMs: number[] = [];
    const delivered = new Set<string>();
    const credit = (notificationId: string) => {
      const notification = notificationFiring.get(notificationId);
      if (notification && delivered.has(notificationId)) deliveredFiring[notification.bot] = Math.max(deliveredFiring[notification.bot]!, notification.firing);
    };
    consumers.push(
      await follow(kafka, admin, `${options.runId}.bench-latency-readers`, [EVENTS.notifications.topic, EVENTS.deliveries.topic], (topic, value) => {
        if (topic === EVENTS.notifications.topic) {
          const parsed = notificationEventSchema.safeParse(value);
          if (!parsed.success || parsed.data.teamId !== team.teamId || parsed.data.status !== 'firing') return;
          const bot = botOf.get(parsed.data.objectId);
          if (bot === undefined) return;
          const firing = parsed.data.totals?.firing ?? parsed.data.alerts.filter((alert) => alert.status === 'firing').length;
          notificationEvents[bot]!.push({ at: Date.parse(parsed.data.createdAt), firing });
          inKafkaMs.push(Date.now() - Date.parse(parsed.data.createdAt));
          notificationFiring.set(parsed.data.notificationId, { bot, firing });
          credit(parsed.data.notificationId);
        } else {
          const parsed = EVENTS.deliveries.schema.safeParse(value);
          if (!parsed.success || parsed.data.teamId !== team.teamId || parsed.data.outcome !== 'delivered') return;
          delivered.add(parsed.data.notificationId);
          credit(parsed.data.notificationId);
        }
      }),
    );
    await waitForStableGroups(admin, options.runId);
    log('alertlark ready', { teamId: team.teamId, bots: shape.bots });

    const cpu = new CpuWindow(() => ({
      ...Object.fromEntries(fleet.processes.map((child) => [child.name, child.child.pid])),
      ...stackPids(),
      bench: process.pid,
    }));
    cpu.start();
    const expected = alertsPerBot(shape);
    const ingestUrl = `${fleet.url.ingest}/api/v2/alerts`;
    log('alertlark: load', { rate: shape.rate, seconds: shape.durationSeconds, url: ingestUrl });
    const load: PushedLoad = await pushLoad({ url: ingestUrl, token: team.ingestToken, shape, tag: options.tag });
    const deadline = load.lastSentAt + options.waitAfterLoadMs;
    log('alertlark: load sent', { alerts: expected.reduce((a, b) => a + b, 0), failedPosts: load.failedPosts, firstError: load.firstError, maxTickLagMs: load.maxTickLagMs });

    // Until every bot has a delivered notification counting all its alerts, or the deadline.
    const allDelivered = () => expected.every((count, bot) => deliveredFiring[bot]! >= count);
    let lastReport = 0;
    while (!allDelivered() && Date.now() < deadline && !stopRequest.reason) {
      const dead = fleet.processes.find((child) => child.child.exitCode !== null);
      if (dead) {
        log(`alertlark: ${dead.name} exited with ${dead.child.exitCode}; see ${dead.logFile}`);
        break;
      }
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        const shown = deliveredFiring.reduce((a, b) => a + b, 0);
        log('alertlark: waiting', { secondsAfterLoad: Math.round((Date.now() - load.lastSentAt) / 1000), delivered: shown, of: expected.reduce((a, b) => a + b, 0), notifications: notificationFiring.size });
      }
      await sleep(250);
    }
    const observedSeconds = Math.round((Date.now() - load.firstSentAt) / 10) / 100;
    const cpuUsed = cpu.stop();
    // The card reaches the emulator before its delivery event is published: it is in the log now.
    await sleep(500);

    const latencies: Array<number | undefined> = [];
    const notifiedLatencies: Array<number | undefined> = [];
    const senderHops: number[] = [];
    let cards = 0;
    let refusedRequests = 0;
    const cardLog: string[] = [];
    for (const [bot, token] of team.botTokens.entries()) {
      const { accepted, refused } = await emulatorCards(fleet, token);
      cards += accepted.length;
      refusedRequests += refused;
      const events = cardEvents(accepted);
      for (const message of accepted) cardLog.push(JSON.stringify({ bot: botName(bot), id: message.id, receivedAt: message.receivedAt, firing: cardFiringCount(message.body) ?? null }));
      latencies.push(...botLatencies(load.sentAt[bot]!, events, deadline));
      notifiedLatencies.push(...botLatencies(load.sentAt[bot]!, notificationEvents[bot]!, deadline));
      senderHops.push(...hopDurations(load.sentAt[bot]!.length, notificationEvents[bot]!, events, deadline));
    }
    writeFileSync(path.join(options.logDir, 'cards.jsonl'), `${cardLog.join('\n')}\n`);
    for (const [name, url] of [['policy-router', fleet.internal.router], ...fleet.internal.senders.map((url, i) => [`lark-sender-${i + 1}`, url])] as Array<[string, string]>) {
      const metrics = await fetch(`${url}/metrics`).then((answer) => answer.text()).catch((error: unknown) => `# ${String(error)}`);
      writeFileSync(path.join(options.logDir, `${name}.metrics.txt`), metrics);
    }
    const post = durationPercentiles(load.postMs);
    return {
      ...summarizeLatencies(latencies),
      cards,
      refusedRequests,
      ingestPost: { ...post, failedPosts: load.failedPosts, failedAlerts: load.failedAlerts },
      notified: summarizeLatencies(notifiedLatencies),
      notificationToCard: durationPercentiles(senderHops),
      notificationInKafka: durationPercentiles(inKafkaMs),
      notifications: notificationFiring.size,
      maxTickLagMs: load.maxTickLagMs,
      observedSeconds,
      cpu: cpuUsed,
    };
  } finally {
    await Promise.allSettled(consumers.map((consumer) => consumer.disconnect()));
    await setup?.deleteTeam().catch((error: unknown) => log('could not delete the team', { error: String(error) }));
    await fleet.stop();
    onFleet(undefined);
  }
}
