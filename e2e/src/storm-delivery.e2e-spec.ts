import { randomBytes } from 'node:crypto';
import { TOPICS, webhookKey, type DeadLetterEvent, type DeliveryEvent, type NotificationEvent } from '@alertlark/contracts';
import { MAX_MESSAGE_BYTES, alertPartition } from '@alertlark/kafka';
import { busiestWindow, requestJson, shownGroupCounts, waitFor } from '@alertlark/testing';
import { createTeamOnPartition, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, postAlerts, type EmulatorMessage, type FullAlert, type TestBot } from './support/lark-bots';
import { emulatorMessages, postInBatches, sampleEventLoopLag, startCardProbes, stormAlertname, stormAlerts, type CardProbe, type PostedStorm } from './support/storm';
import { recordTopic, type TopicRecorder } from './support/topic-recorder';

/**
 * Issue 12's end-to-end bars for storms, counted as a person in the chat sees them (the emulator's
 * accepted cards), not as notifications delivered:
 * - a bot whose whole backlog is dead-lettered at once (a thousand notifications, megabytes, some
 *   entries larger than Kafka's default message limit) is not stuck: every entry reaches the
 *   dead-letter topic, and the bot and others get their next cards within seconds;
 * - two 10,000-alert storms back to back, to two chatbots: each storm's every group shows its final
 *   count within 60 s of its last POST, with no rejection and never more than 5/s or 100/min per
 *   webhook; another team's chatbot gets its cards within 5 s meanwhile.
 */
describe('storm delivery: what the chat shows, and no bot stuck', () => {
  const run = randomBytes(3).toString('hex');
  type Team = { id: string; apiToken: string; ingestToken: string };

  /** Kafka's default `max.message.bytes` (1 MiB + 12): what a topic took before 612d4b4 set it. */
  const KAFKA_DEFAULT_MAX_MESSAGE = 1_048_588;
  /** The size of the dead-letter entry lark-sender would write for a notification, whole. */
  const deadLetterBytes = (notification: NotificationEvent) =>
    Buffer.byteLength(
      JSON.stringify({ sourceTopic: TOPICS.notifications, partition: 0, offset: '0', key: `wh_${'0'.repeat(32)}`, value: JSON.stringify(notification), reason: 'delivery deadline of 15000 ms passed; Lark kept failing', consumer: 'lark-sender', at: new Date().toISOString() }),
      'utf8',
    );

  describe('1,000 notifications dead-lettered at once', () => {
    const DEADLINE_MS = 15_000;
    /** Lark does not answer the bot's first request for this long: its whole backlog expires meanwhile. */
    const HANG_MS = 40_000;
    let fleet: Fleet;
    let team: Team;
    let quiet: Team;
    let bot: TestBot;
    let quietBot: TestBot;
    let notifications: TopicRecorder<NotificationEvent>;
    let deadLetters: TopicRecorder<DeadLetterEvent>;
    let deliveries: TopicRecorder<DeliveryEvent>;

    beforeAll(async () => {
      // The request timeout outlasts the hang, so the one request is in flight until then.
      fleet = await startFleet(17000, { LARK_DELIVERY_DEADLINE_MS: String(DEADLINE_MS), LARK_REQUEST_TIMEOUT_MS: String(HANG_MS + 5_000) });
      team = await fleet.createTeam(`dlq-${run}`);
      quiet = await fleet.createTeam(`dlq-quiet-${run}`);
      await waitForConfig(fleet, 'ingest', `team/${team.id}`);
      await waitForConfig(fleet, 'ingest', `team/${quiet.id}`);
      bot = await createBot(fleet, team.apiToken, 'dlq');
      // Group wait 3s: a group of 200 large alerts is whole in its first notification.
      await createPolicy(fleet, team.apiToken, { name: 'dlq-storm', matchers: [`dlq="${run}"`], objectIds: [bot.objectId], groupBy: ['alertname'], groupWait: '3s', groupInterval: '5m', repeatInterval: '4h' });
      await createPolicy(fleet, team.apiToken, { name: 'dlq-after', matchers: [`alertname=~"DlqAfter_${run}.*"`], objectIds: [bot.objectId], groupBy: ['alertname'], groupWait: '1s', groupInterval: '5m', repeatInterval: '4h' });
      quietBot = await createBot(fleet, quiet.apiToken, 'dlq-quiet');
      await createPolicy(fleet, quiet.apiToken, { name: 'quiet', matchers: [`alertname=~"DlqQuiet_${run}_.*"`], objectIds: [quietBot.objectId], groupBy: ['alertname'], groupWait: '1s', groupInterval: '5m', repeatInterval: '4h' });
      const big = { maxBytesPerPartition: 8 * 1024 * 1024 };
      notifications = await recordTopic<NotificationEvent>(fleet, TOPICS.notifications, (event) => event.objectId === bot.objectId, big);
      // Keyed by the webhook, as the notification was: the value names the chatbot.
      deadLetters = await recordTopic<DeadLetterEvent>(fleet, TOPICS.deadLetter, (entry) => entry.consumer === 'lark-sender' && (entry.value ?? '').includes(`"objectId":"${bot.objectId}"`), big);
      deliveries = await recordTopic<DeliveryEvent>(fleet, TOPICS.deliveries, (event) => event.objectId === bot.objectId);
    });
    afterAll(async () => {
      await notifications?.stop();
      await deadLetters?.stop();
      await deliveries?.stop();
      if (fleet) await requestJson('DELETE', `${fleet.url.emulator}/_emulator/faults`).catch(() => undefined);
      await fleet?.stop();
    });

    /** A JSON array of pod events: an annotation whose quotes JSON escapes twice in a dead letter (the entry is about a third larger than the notification). */
    const podEvents = (seed: string, bytes: number) => {
      const events: Record<string, string>[] = [];
      for (let k = 0; JSON.stringify(events).length < bytes; k++) {
        events.push({ pod: `api-${seed}-${k}`, container: 'app', reason: 'OOMKilled', exitCode: '137', node: `node-${k % 40}`, at: '2026-12-06T18:00:00Z' });
      }
      return JSON.stringify(events);
    };
    const groupOf = (alertname: string, alerts: number, detailBytes: number): FullAlert[] =>
      Array.from({ length: alerts }, (_, i) => ({
        labels: { alertname, severity: 'critical', instance: `pod-${i}`, namespace: 'prod', dlq: run },
        annotations: { summary: `pod-${i} was OOM-killed repeatedly`, details: podEvents(`${i}`, detailBytes) },
      }));

    it('every entry reaches the dead-letter topic with its cause, and the bot and another team\'s bot get their next cards within 5 s', async () => {
      // 994 groups of one alert (2 KB annotations), 5 of 200 alerts whose notifications (~870 KB)
      // Kafka's default 1 MiB took but whose dead letters (~1.15 MB) it did not, and one of 200
      // alerts of 14 KB, more than a notification carries (the router keeps 1 MiB of them, and
      // the count): 1,000 notifications, ~9 MB of dead letters.
      const small = Array.from({ length: 994 }, (_, i): FullAlert => ({
        labels: { alertname: `DlqSmall_${run}_${i}`, severity: ['critical', 'warning', 'info'][i % 3]!, instance: `node-${i}`, dlq: run },
        annotations: { summary: `disk almost full on node-${i}`, description: `Filesystem /var on node-${i} is above 95 %. `.repeat(45) },
      }));
      const mid = Array.from({ length: 5 }, (_, j) => groupOf(`DlqMid_${run}_${j}`, 200, 3_200));
      const huge = groupOf(`DlqHuge_${run}`, 200, 14_000);

      // Lark answers nothing for HANG_MS, then fails every request: the backlog is all still queued
      // when the first request gives up, long past its deadline, and goes to the dead-letter topic in one step.
      await requestJson('POST', `${fleet.url.emulator}/_emulator/faults`, {
        body: { token: bot.token, faults: [{ kind: 'timeout', ms: HANG_MS }, ...Array.from({ length: 300 }, () => ({ kind: 'http5xx', status: 503 }))] },
      });
      const probes = startCardProbes(fleet, quiet.ingestToken, quietBot.token, `DlqQuiet_${run}_`, 3_000);
      const started = Date.now();
      await postAlerts(fleet, team.ingestToken, small.slice(0, 497));
      await postAlerts(fleet, team.ingestToken, small.slice(497));
      for (const group of mid) await postAlerts(fleet, team.ingestToken, group);
      await postAlerts(fleet, team.ingestToken, huge);
      const postSeconds = (Date.now() - started) / 1_000;

      const groups = () => new Set(notifications.values().map((event) => event.groupKey));
      await notifications.until('1,000 groups notified', () => groups().size >= 1_000, 60_000);
      const notified = notifications.values();
      expect(notified.length).toBeGreaterThanOrEqual(1_000);
      // What the test is about: dead letters over Kafka's default limit, of notifications within it.
      const sizes = notified.map((event) => ({ notification: Buffer.byteLength(JSON.stringify(event), 'utf8'), deadLetter: deadLetterBytes(event) }));
      expect(sizes.filter((size) => size.notification < KAFKA_DEFAULT_MAX_MESSAGE && size.deadLetter > KAFKA_DEFAULT_MAX_MESSAGE).length).toBeGreaterThanOrEqual(5);
      const deadLetterMegabytes = sizes.reduce((sum, size) => sum + size.deadLetter, 0) / 1e6;

      const ids = new Set(notified.map((event) => event.notificationId));
      /** The notification an entry carries: the id at the start of its value (whole, or cut to fit). */
      const idOf = (entry: DeadLetterEvent) => /^\{"notificationId":"([^"]+)"/.exec(entry.value ?? '')?.[1];
      const lettered = () => new Set(deadLetters.values().map(idOf));
      await deadLetters.until('a dead letter for every notification', () => [...ids].every((id) => lettered().has(id)), HANG_MS + 60_000);
      await deliveries.until('a dead-lettered event for every notification', () => {
        const done = new Set(deliveries.values().filter((event) => event.outcome === 'dead-lettered').map((event) => event.notificationId));
        return [...ids].every((id) => done.has(id));
      });

      // The bot is not stuck: with Lark back, its next alert is in the chat within 5 s, as is
      // another team's, posted at the same moment.
      await requestJson('DELETE', `${fleet.url.emulator}/_emulator/faults`);
      const during = await probes.stop();
      const after = startCardProbes(fleet, team.ingestToken, bot.token, `DlqAfter_${run}_`, 60_000);
      const quietAfter = startCardProbes(fleet, quiet.ingestToken, quietBot.token, `DlqQuiet_${run}_after_`, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [botAfter] = await after.stop(20_000);
      const [quietBotAfter] = await quietAfter.stop(20_000);

      const entries = deadLetters.values();
      // One dead-lettering step writes its entries within milliseconds of each other; a bot that
      // dead-lettered its backlog bit by bit (or again and again) would spread them over seconds.
      const times = entries.map((entry) => Date.parse(entry.at));
      const spreadMs = Math.max(...times) - Math.min(...times);
      const cut = entries.filter((entry) => entry.reason.includes('truncated'));
      console.log(
        JSON.stringify({
          deadLetters: {
            notifications: notified.length,
            entries: entries.length,
            deadLetterMegabytes: Number(deadLetterMegabytes.toFixed(1)),
            spreadMs,
            cut: cut.length,
            postSeconds,
            quietDuringMs: during.map((probe) => probe.latencyMs ?? null),
            botAfterMs: botAfter?.latencyMs ?? null,
            quietAfterMs: quietBotAfter?.latencyMs ?? null,
          },
        }),
      );

      // Every entry: the source, the webhook's key (the notification's), the cause, and the
      // notification whole: none is over a Kafka message since a notification carries at most
      // 1 MiB of alerts (were one, it would be cut to fit and say so).
      const key = webhookKey(`${fleet.url.emulator}/open-apis/bot/v2/hook/${bot.token}`);
      for (const entry of entries) {
        expect(entry).toMatchObject({ sourceTopic: TOPICS.notifications, consumer: 'lark-sender', key, reason: expect.stringContaining('deadline') });
        expect(Buffer.byteLength(JSON.stringify(entry), 'utf8')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      }
      expect(cut).toEqual([]);
      const byId = new Map(notified.map((event) => [event.notificationId, event]));
      for (const entry of entries) expect(JSON.parse(entry.value!)).toEqual(byId.get(idOf(entry)!));
      // Once each, all at once.
      expect(entries).toHaveLength(ids.size);
      expect(spreadMs).toBeLessThan(1_000);

      expect(botAfter?.latencyMs).toBeLessThan(5_000);
      expect(quietBotAfter?.latencyMs).toBeLessThan(5_000);
      expect(during.length).toBeGreaterThan(0);
      for (const probe of during) expect(probe.latencyMs).toBeLessThan(5_000);
    }, 240_000);
  });

  describe('two 10,000-alert storms back to back, to two chatbots', () => {
    const ALERTNAMES = 500;
    const INSTANCES = 20;
    const PER_POST = 500;
    /** Issue 12: every group's final count in the chat within this long of the storm's last POST. */
    const BAR_MS = 60_000;
    let fleet: Fleet;
    let deliveries: TopicRecorder<DeliveryEvent>;
    /** The quiet team's notifications: when the router made each, to tell its share of a probe's latency from the sender's. */
    let quietNotifications: TopicRecorder<NotificationEvent>;
    const storms = {} as Record<'A' | 'B', { bot: TestBot; posted: PostedStorm; messages: EmulatorMessage[]; prefix: string }>;
    let probes: CardProbe[] = [];
    /** Per service, the longest its event loop was blocked during the storms (a diagnostic, logged). */
    let lag: Record<string, { maxMs: number; at: number | null }> = {};

    beforeAll(async () => {
      fleet = await startFleet(17200);
      const teamA = await fleet.createTeam(`storm-a-${run}`);
      const teamB = await fleet.createTeam(`storm-b-${run}`);
      // Off both storms' partitions, so that the bar is the same every run. A team on a storming
      // team's partition reads its alerts behind the storm's: team-isolation.e2e holds that case to
      // the same 5 s with one storm; two back to back on two shared cores took up to 6 s (README).
      const stormPartitions = new Set([alertPartition(teamA.id), alertPartition(teamB.id)]);
      const quiet = await createTeamOnPartition(fleet, `storm-quiet-${run}`, (partition) => !stormPartitions.has(partition));
      for (const team of [teamA, teamB, quiet]) await waitForConfig(fleet, 'ingest', `team/${team.id}`);
      const stormBot = async (team: Team, name: string) => {
        const bot = await createBot(fleet, team.apiToken, name);
        await createPolicy(fleet, team.apiToken, { name, matchers: [`storm="${run}-${name}"`], objectIds: [bot.objectId], groupBy: ['alertname'], groupWait: '1s', groupInterval: '5s', repeatInterval: '4h' });
        return bot;
      };
      const botA = await stormBot(teamA, 'a');
      const botB = await stormBot(teamB, 'b');
      const quietBot = await createBot(fleet, quiet.apiToken, 'quiet');
      await createPolicy(fleet, quiet.apiToken, { name: 'quiet', matchers: [`alertname=~"StormQuiet_${run}_.*"`], objectIds: [quietBot.objectId], groupBy: ['alertname'], groupWait: '1s', groupInterval: '5m', repeatInterval: '4h' });
      deliveries = await recordTopic<DeliveryEvent>(fleet, TOPICS.deliveries, (event) => event.objectId === botA.objectId || event.objectId === botB.objectId);
      quietNotifications = await recordTopic<NotificationEvent>(fleet, TOPICS.notifications, (event) => event.objectId === quietBot.objectId);

      const prefixA = `StormA${run}x`;
      const prefixB = `StormB${run}x`;
      const alertsA = stormAlerts({ prefix: prefixA, alertnames: ALERTNAMES, instancesPerAlertname: INSTANCES, labels: { storm: `${run}-a` } });
      const alertsB = stormAlerts({ prefix: prefixB, alertnames: ALERTNAMES, instancesPerAlertname: INSTANCES, labels: { storm: `${run}-b` } });
      // Another team posts an alert every second throughout both storms. Every 2 s gave five probes
      // when both storms were final within 9 s, and the last had no digest near it (a CI run).
      const prober = startCardProbes(fleet, quiet.ingestToken, quietBot.token, `StormQuiet_${run}_`, 1_000);
      const sampler = sampleEventLoopLag({ ingest: fleet.internalUrl.ingest, 'policy-router': fleet.internalUrl['policy-router'], 'lark-sender': fleet.internalUrl['lark-sender'], console: fleet.internalUrl.console });
      let postedA: PostedStorm;
      let postedB: PostedStorm;
      try {
        postedA = await postInBatches(fleet, teamA.ingestToken, alertsA, PER_POST);
        // Straight after the first storm's last POST.
        postedB = await postInBatches(fleet, teamB.ingestToken, alertsB, PER_POST);
        // Until every group is final, or the bar's time is up (then the test shows what was missing).
        const watch = (bot: TestBot, prefix: string, posted: PostedStorm) =>
          waitFor(`storm ${prefix} final or its ${BAR_MS} ms up`, async () => {
            const shown = shownGroupCounts(await bot.messages());
            const final = Array.from({ length: ALERTNAMES }, (_, i) => stormAlertname(prefix, i)).every((name) => shown.get(name)?.firing === INSTANCES);
            return final || Date.now() > posted.lastPostAt + BAR_MS || undefined;
          }, BAR_MS + 120_000, 1_000);
        await Promise.all([watch(botA, prefixA, postedA), watch(botB, prefixB, postedB)]);
      } finally {
        probes = await prober.stop();
        lag = await sampler.stop();
      }
      // Requests still under way are counted in the rate checks too.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      storms.A = { bot: botA, posted: postedA, messages: await emulatorMessages(fleet, botA.token), prefix: prefixA };
      storms.B = { bot: botB, posted: postedB, messages: await emulatorMessages(fleet, botB.token), prefix: prefixB };
    }, 400_000);
    afterAll(async () => {
      await deliveries?.stop();
      await quietNotifications?.stop();
      await fleet?.stop();
    });

    const isDigest = (message: EmulatorMessage) => cardText(message).includes('[DIGEST]');

    /** What a person in storm `which`'s chat saw by the bar, and how the webhook was used. */
    const tally = (which: 'A' | 'B') => {
      const { bot, posted, messages, prefix } = storms[which];
      const shown = shownGroupCounts(messages, posted.lastPostAt + BAR_MS);
      const names = Array.from({ length: ALERTNAMES }, (_, i) => stormAlertname(prefix, i));
      const short = names.filter((name) => shown.get(name)?.firing !== INSTANCES);
      const finalAt = Math.max(...names.map((name) => shown.get(name)?.at ?? Number.NaN));
      const ended = deliveries.values().filter((event) => event.objectId === bot.objectId && event.outcome !== 'delivered' && event.outcome !== 'retrying');
      const summary = {
        storm: which,
        posts: posted.posts,
        postSeconds: (posted.lastPostAt - posted.firstPostAt) / 1_000,
        groupsFinalWithinBar: names.length - short.length,
        allFinalSecondsAfterLastPost: short.length === 0 ? (finalAt - posted.lastPostAt) / 1_000 : null,
        // For a failure: the counts the short groups showed by the bar (absent: never shown).
        shortGroups: short.slice(0, 20).map((name) => `${name}:${shown.get(name)?.firing ?? 0}`),
        requests: messages.length,
        digests: messages.filter(isDigest).length,
        rejected: messages.filter((message) => !message.accepted).map((message) => message.code),
        busiestSecond: busiestWindow(messages, 1_000),
        busiestMinute: busiestWindow(messages, 60_000),
        failedOrDeadLettered: ended.length,
      };
      console.log(JSON.stringify({ stormBar: summary }));
      return { ...summary, short };
    };

    const meetsTheBar = (which: 'A' | 'B') => {
      const result = tally(which);
      expect(result.short).toEqual([]);
      expect(result.rejected).toEqual([]);
      expect(result.busiestSecond).toBeLessThanOrEqual(5);
      expect(result.busiestMinute).toBeLessThanOrEqual(100);
      expect(result.failedOrDeadLettered).toBe(0);
    };

    it('storm A: within 60 s of its last POST every group shows its final count (20), with no rejection, ≤ 5 requests/s and ≤ 100/min', () => meetsTheBar('A'));

    it('storm B, straight after, to another chatbot: the same bar', () => meetsTheBar('B'));

    it("another team's chatbot gets each card within 5 s while the storms' chatbots send digests", () => {
      const digestTimes = [...storms.A.messages, ...storms.B.messages].filter((message) => message.accepted && isDigest(message)).map((message) => Date.parse(message.receivedAt));
      // A probe counts when the storms' bots were sending digests around it (one within 3 s either side).
      const busy = probes.filter((probe) => digestTimes.some((at) => Math.abs(at - probe.postedAt) <= 3_000));
      // Where each probe's time went: POST to the router's notification (group wait 1s included), then to the card.
      const made = new Map(quietNotifications.values().map((event) => [event.groupLabels.find((pair) => pair.name === 'alertname')?.value, Date.parse(event.createdAt)]));
      const shares = probes.map((probe) => {
        const at = made.get(probe.alertname);
        return {
          postedSecond: (probe.postedAt - storms.A.posted.firstPostAt) / 1_000,
          postToNotificationMs: at === undefined ? null : at - probe.postedAt,
          notificationToCardMs: at === undefined || probe.cardAt === undefined ? null : probe.cardAt - at,
        };
      });
      const eventLoopLag = Object.fromEntries(Object.entries(lag).map(([name, worst]) => [name, { maxMs: worst.maxMs, atSecond: worst.at === null ? null : (worst.at - storms.A.posted.firstPostAt) / 1_000 }]));
      console.log(JSON.stringify({ quietDuringStorms: { probes: probes.length, duringDigests: busy.length, latencyMs: probes.map((probe) => probe.latencyMs ?? null), shares, eventLoopLag } }));
      expect(busy.length).toBeGreaterThanOrEqual(5);
      for (const probe of probes) expect(probe.latencyMs).toBeLessThan(5_000);
    });
  });
});
