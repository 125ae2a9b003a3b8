import { randomBytes } from 'node:crypto';
import { TOPICS, type DeliveryEvent, type NotificationEvent } from '@alertlark/contracts';
import { busiestWindow, requestJson, shownGroupCounts, waitFor } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';
import { createBot, createPolicy, postWebhook, sleep, type EmulatorMessage, type WebhookAlert } from './support/lark-bots';
import { recordTopic, type TopicRecorder } from './support/topic-recorder';

const ALERTNAMES = 100;
const INSTANCES = 25;
const TICK_MS = 250;

/**
 * One chatbot's storm, in the chunks posted one per tick: its groups are created over the first
 * 5 s, so their flushes spread over the 5 s group interval and its notifications keep coming
 * (groups created at one instant flush together, a few digests every interval, and two budgets
 * would never be tested); then every group grows by one instance a round until it has all 25.
 */
function stormChunks(prefix: string): WebhookAlert[][] {
  const alerts: WebhookAlert[] = [];
  for (let instance = 0; instance < INSTANCES; instance++) {
    for (let n = 0; n < ALERTNAMES; n++) alerts.push({ labels: { alertname: `${prefix}${n}`, instance: `i${instance}`, severity: 'critical' } });
  }
  const chunks: WebhookAlert[][] = [];
  for (let start = 0; start < ALERTNAMES; start += 5) chunks.push(alerts.slice(start, start + 5));
  for (let start = ALERTNAMES; start < alerts.length; start += 30) chunks.push(alerts.slice(start, start + 30));
  return chunks;
}

/**
 * Two chatbots (notification objects) on ONE Lark webhook, each with its own policy, during a
 * storm: Lark limits the webhook, not the object, so they must share one budget. The emulator
 * enforces 5/s and 100/min per bot token and refuses (11232) whatever goes over.
 */
describe('two chatbots on one webhook share its rate budget', () => {
  const run = randomBytes(3).toString('hex');
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  let notifications: TopicRecorder<NotificationEvent>;
  let deliveries: TopicRecorder<DeliveryEvent>;

  beforeAll(async () => {
    fleet = await startFleet(15000);
    team = await fleet.createTeam(`shared-webhook-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
    notifications = await recordTopic<NotificationEvent>(fleet, TOPICS.notifications, (event) => event.teamId === team.id);
    deliveries = await recordTopic<DeliveryEvent>(fleet, TOPICS.deliveries, (event) => event.teamId === team.id);
  });
  afterAll(async () => {
    await notifications?.stop();
    await deliveries?.stop();
    await fleet?.stop();
  });

  /** A second chatbot posting to the webhook of `token` (allowed, as in ARMS). */
  const sameWebhookObject = async (name: string, token: string) => {
    const object = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-objects`, {
      token: team.apiToken,
      body: { name, webhookUrl: `${fleet.url.emulator}/open-apis/bot/v2/hook/${token}`, keywords: ['alert'] },
    });
    expect(object.status).toBe(201);
    await waitForConfig(fleet, 'lark-sender', `object/${object.body.id}`);
    return object.body.id;
  };

  it('2 × 2,500 alerts over 100 alertnames each: no rejection, every group\'s final count shown, ≤ 5/s and ≤ 100/min', async () => {
    const first = await createBot(fleet, team.apiToken, 'shared-a');
    const secondId = await sameWebhookObject('shared-b', first.token);
    const sides = [
      { objectId: first.objectId, prefix: `shared_${run}_a_` },
      { objectId: secondId, prefix: `shared_${run}_b_` },
    ];
    for (const side of sides) {
      await createPolicy(fleet, team.apiToken, { name: side.prefix, matchers: [`alertname=~"${side.prefix}.*"`], objectIds: [side.objectId], groupWait: '1s', groupInterval: '5s', repeatInterval: '4h' });
    }

    // Both chatbots' storms go out side by side, a chunk each every 250 ms, for 25 s.
    const storms = sides.map((side) => stormChunks(side.prefix));
    const started = Date.now();
    for (let tick = 0; tick < storms[0]!.length; tick++) {
      await sleep(Math.max(0, started + tick * TICK_MS - Date.now()));
      for (const chunks of storms) await postWebhook(fleet, team.ingestToken, chunks[tick]!);
    }
    const lastAlertAt = Date.now();

    const webhookRequests = async () =>
      (await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${first.token}`)).body.messages;
    const groups = sides.flatMap((side) => Array.from({ length: ALERTNAMES }, (_, n) => `${side.prefix}${n}`));
    const allShown = (messages: EmulatorMessage[]) => {
      const shown = shownGroupCounts(messages);
      return groups.every((group) => shown.get(group)?.firing === INSTANCES);
    };
    const messages = await waitFor('every group shown at its final count', async () => {
      const current = await webhookRequests();
      // A refusal is final for this test: fail at once rather than at the timeout.
      if (current.some((message) => !message.accepted) || allShown(current)) return current;
      return undefined;
    }, 180_000, 500);

    const shown = shownGroupCounts(messages);
    const lastShownAt = allShown(messages) ? Math.max(...groups.map((group) => shown.get(group)!.at)) : null;
    console.log(
      JSON.stringify({
        sharedWebhook: {
          requests: messages.length,
          rejected: messages.filter((message) => !message.accepted).length,
          busiestSecond: busiestWindow(messages, 1_000),
          busiestMinute: busiestWindow(messages, 60_000),
          postSeconds: (lastAlertAt - started) / 1_000,
          allShownSecondsAfterLastAlert: lastShownAt === null ? null : (lastShownAt - lastAlertAt) / 1_000,
        },
      }),
    );
    expect(messages.filter((message) => !message.accepted).map((message) => message.code)).toEqual([]);
    expect(groups.filter((group) => shown.get(group)?.firing !== INSTANCES)).toEqual([]);
    expect(busiestWindow(messages, 1_000)).toBeLessThanOrEqual(5);
    expect(busiestWindow(messages, 60_000)).toBeLessThanOrEqual(100);

    // Deliveries stay per notification and chatbot: each notification is delivered once, as its own object's.
    const ours = notifications.values();
    expect(new Set(ours.map((event) => event.objectId))).toEqual(new Set(sides.map((side) => side.objectId)));
    const ids = new Set(ours.map((event) => event.notificationId));
    const delivered = await deliveries.until('every notification delivered', (events) => new Set(events.filter((event) => event.outcome === 'delivered').map((event) => event.notificationId)).size >= ids.size, 60_000);
    const objectOf = new Map(ours.map((event) => [event.notificationId, event.objectId]));
    for (const event of delivered.filter((entry) => entry.outcome === 'delivered')) expect(event.objectId).toBe(objectOf.get(event.notificationId));
  }, 400_000);
});
