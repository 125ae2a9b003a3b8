import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TOPICS, webhookKey, type DeadLetterEvent, type DeliveryEvent, type NotificationEvent } from '@alertlark/contracts';
import { WORKSPACE_ROOT, requestJson, startProcess, waitFor, waitReady, type RunningProcess } from '@alertlark/testing';
import { internalUrlOf, portEnv, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { createBot, createPolicy, postWebhook, sleep, type EmulatorMessage } from './support/lark-bots';
import { recordTopic, type TopicRecorder } from './support/topic-recorder';

/**
 * lark-sender against the Lark emulator, which enforces Lark's 5/s and 100/min per bot: failures
 * are retried, refused or dead-lettered as LARK.md says, and a storm to one bot is delivered whole
 * without one rate-limit rejection, by three sender processes, one of them killed with SIGKILL.
 */
describe('lark-sender: never loses an alert, never trips Lark limits', () => {
  const run = randomBytes(3).toString('hex');
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', `delivery-${run}`);

  const allMessages = async (fleet: Fleet, objectToken: string) =>
    (await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${objectToken}`)).body.messages;

  describe('failures', () => {
    let fleet: Fleet;
    let team: { id: string; apiToken: string; ingestToken: string };
    let deliveries: TopicRecorder<DeliveryEvent>;
    let deadLetters: TopicRecorder<DeadLetterEvent>;

    beforeAll(async () => {
      fleet = await startFleet(25000, { LARK_DELIVERY_DEADLINE_MS: '6000' });
      team = await fleet.createTeam(`delivery-failures-${run}`);
      await waitForConfig(fleet, 'ingest', `team/${team.id}`);
      deliveries = await recordTopic<DeliveryEvent>(fleet, TOPICS.deliveries, (event) => event.teamId === team.id);
      deadLetters = await recordTopic<DeadLetterEvent>(fleet, TOPICS.deadLetter, (entry) => entry.consumer === 'lark-sender' && (entry.value ?? '').includes(team.id));
    });
    afterAll(async () => {
      await deliveries?.stop();
      await deadLetters?.stop();
      await fleet?.stop();
    });

    const botWithPolicy = async (name: string, keywords?: string[]) => {
      const bot = await createBot(fleet, team.apiToken, name, keywords ? { botKeywords: keywords } : {});
      const alertname = `${name}_${run}`;
      await createPolicy(fleet, team.apiToken, { name, matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], groupWait: '1s', groupInterval: '1m', repeatInterval: '1h' });
      return { bot, alertname };
    };
    const eventsOf = (objectId: string) => deliveries.values().filter((event) => event.objectId === objectId);

    it('retries a 5xx answer with backoff and then delivers, each attempt a deliveries event', async () => {
      const { bot, alertname } = await botWithPolicy('retry');
      await requestJson('POST', `${fleet.url.emulator}/_emulator/faults`, { body: { token: bot.token, faults: [{ kind: 'http5xx', status: 503 }, { kind: 'rate-limit' }] } });
      await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'a' } }]);
      await deliveries.until('a delivered event', () => eventsOf(bot.objectId).some((event) => event.outcome === 'delivered'));
      expect(eventsOf(bot.objectId).map((event) => [event.attempt, event.outcome, event.larkCode ?? event.httpStatus])).toEqual([
        [1, 'retrying', 503],
        [2, 'retrying', 11232],
        [3, 'delivered', 0],
      ]);
      expect((await allMessages(fleet, bot.token)).map((message) => message.accepted)).toEqual([false, false, true]);
    });

    it('does not retry a refusal for good (19024, keyword not found) and records it with Lark\'s code', async () => {
      const { bot, alertname } = await botWithPolicy('keyword', ['a-keyword-the-object-lacks']);
      await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'a' } }]);
      await deliveries.until('a failed event', () => eventsOf(bot.objectId).some((event) => event.outcome === 'failed'));
      await sleep(2_000);
      expect(eventsOf(bot.objectId)).toEqual([expect.objectContaining({ attempt: 1, outcome: 'failed', larkCode: 19024 })]);
      expect(await allMessages(fleet, bot.token)).toHaveLength(1);
    });

    it('dead-letters a notification Lark keeps failing past the deadline, whole and with the cause', async () => {
      const { bot, alertname } = await botWithPolicy('deadline');
      await requestJson('POST', `${fleet.url.emulator}/_emulator/faults`, { body: { token: bot.token, faults: Array.from({ length: 200 }, () => ({ kind: 'http5xx', status: 500 })) } });
      await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'a' } }]);
      const [entry] = await deadLetters.until('a dead letter', (entries) => entries.some((e) => (e.value ?? '').includes(alertname)), 30_000);
      // Its deliveries event is published just after the dead letter.
      await deliveries.until('a dead-lettered event', () => eventsOf(bot.objectId).some((event) => event.outcome === 'dead-lettered'));
      expect(entry).toMatchObject({ sourceTopic: TOPICS.notifications, consumer: 'lark-sender', key: webhookKey(`${fleet.url.emulator}/open-apis/bot/v2/hook/${bot.token}`), reason: expect.stringContaining('deadline') });
      const notification = JSON.parse(entry!.value!) as NotificationEvent;
      expect(notification).toMatchObject({ objectId: bot.objectId, alerts: [expect.objectContaining({ fingerprint: expect.any(String) })] });
      const outcomes = eventsOf(bot.objectId).map((event) => event.outcome);
      expect(outcomes.at(-1)).toBe('dead-lettered');
      expect(outcomes.filter((outcome) => outcome === 'retrying').length).toBeGreaterThan(1);
      await requestJson('DELETE', `${fleet.url.emulator}/_emulator/faults`);
    });
  });

  describe('a storm to one chatbot, three sender processes', () => {
    let fleet: Fleet;
    let team: { id: string; apiToken: string; ingestToken: string };
    let notifications: TopicRecorder<NotificationEvent>;
    let deliveries: TopicRecorder<DeliveryEvent>;
    const senders: RunningProcess[] = [];

    const startSender = async (name: string, port: number) => {
      const sender = startProcess(name, 'lark-sender', { ...fleet.env, ...portEnv('lark-sender', port) }, logDir);
      senders.push(sender);
      await waitReady(`http://127.0.0.1:${port}/readyz`, 90_000);
      return sender;
    };

    beforeAll(async () => {
      fleet = await startFleet(25200, { LARK_SENDER_SESSION_TIMEOUT_MS: '6000' });
      team = await fleet.createTeam(`delivery-storm-${run}`);
      await waitForConfig(fleet, 'ingest', `team/${team.id}`);
      await startSender('lark-sender-2', 25260);
      await startSender('lark-sender-3', 25261);
      notifications = await recordTopic<NotificationEvent>(fleet, TOPICS.notifications, (event) => event.teamId === team.id);
      deliveries = await recordTopic<DeliveryEvent>(fleet, TOPICS.deliveries, (event) => event.teamId === team.id);
    });
    afterAll(async () => {
      await notifications?.stop();
      await deliveries?.stop();
      await Promise.all(senders.map((sender) => sender.stop()));
      await fleet?.stop();
    });

    /** Fires `groups` alertnames × 2 instances at one bot; resolves when every notification is finished. */
    const storm = async (name: string, groups: number, duringStorm?: (bot: { objectId: string; token: string }) => Promise<void>) => {
      const bot = await createBot(fleet, team.apiToken, name);
      const prefix = `${name}_${run}_`;
      await createPolicy(fleet, team.apiToken, { name, matchers: [`alertname=~"${prefix}.*"`], objectIds: [bot.objectId], groupWait: '5s', groupInterval: '5m', repeatInterval: '4h' });
      const started = Date.now();
      // Runs alongside the posting, so it can act while the storm is on; its failure is raised below.
      const watching = duringStorm?.(bot).then(() => undefined, (error: unknown) => error);
      for (let batch = 0; batch < groups; batch += 50) {
        const names = Array.from({ length: Math.min(50, groups - batch) }, (_, i) => `${prefix}${batch + i}`);
        await postWebhook(fleet, team.ingestToken, names.flatMap((alertname) => ['a', 'b'].map((instance) => ({ labels: { alertname, instance } }))));
      }
      const ours = () => notifications.values().filter((event) => event.objectId === bot.objectId);
      await notifications.until(`${groups} notifications`, () => ours().length >= groups, 90_000);
      const duringFailure = await watching;
      if (duringFailure) throw duringFailure;
      const finished = (ids: Set<string>) => deliveries.values().filter((event) => ids.has(event.notificationId) && event.outcome !== 'retrying');
      const ids = new Set(ours().map((event) => event.notificationId));
      try {
        await deliveries.until('every notification finished', () => new Set(finished(ids).map((event) => event.notificationId)).size === ids.size, 180_000);
      } catch (error) {
        // Where the rest waits (seen once in CI after a SIGKILL, not reproduced): each sender's
        // pending notifications and readiness, and what was heard of the unfinished ones.
        const done = new Set(finished(ids).map((event) => event.notificationId));
        const unfinished = [...ids].filter((id) => !done.has(id));
        const ports = [Number(fleet.env.LARK_SENDER_PORT), 25260, 25261];
        const senderStates = await Promise.all(
          ports.map(async (port) => ({
            port,
            pending: /^alertlark_sender_pending_notifications(?:\{[^}]*\})? (\d+)/m.exec(await fetch(`${internalUrlOf(port)}/metrics`).then((answer) => answer.text()).catch(() => ''))?.[1] ?? null,
            ready: await fetch(`${internalUrlOf(port)}/readyz`).then((answer) => answer.text()).catch((failure: unknown) => String(failure)),
          })),
        );
        const heard = unfinished.slice(0, 5).map((id) => ({ id, outcomes: deliveries.values().filter((event) => event.notificationId === id).map((event) => event.outcome) }));
        console.log(JSON.stringify({ unfinished: unfinished.length, of: ids.size, heard, senderStates }));
        throw error;
      }
      const drainSeconds = (Date.now() - started) / 1_000;
      await sleep(3_000);
      return { bot, ids, finished: finished(ids), messages: await allMessages(fleet, bot.token), drainSeconds, notifications: ours() };
    };

    it('delivers every alert of 200 groups with no rate-limit rejection, merging into digests once the budget is short', async () => {
      const result = await storm('storm', 200);
      expect(result.notifications).toHaveLength(200);
      expect(result.messages.filter((message) => !message.accepted)).toEqual([]);
      expect(result.finished.every((event) => event.outcome === 'delivered')).toBe(true);
      // Each notification delivered exactly once, and every alert it carried accounted for.
      expect(result.finished).toHaveLength(200);
      const notifiedAlerts = result.notifications.reduce((sum, event) => sum + event.alerts.length, 0);
      expect(result.finished.reduce((sum, event) => sum + event.alertCount, 0)).toBe(notifiedAlerts);
      expect(notifiedAlerts).toBeGreaterThanOrEqual(200);
      // Far fewer cards than notifications: the budget ran short and the rest went out as digests.
      const requests = new Set(result.finished.map((event) => event.digestId ?? event.notificationId));
      expect(result.messages).toHaveLength(requests.size);
      expect(result.finished.some((event) => event.digestId)).toBe(true);
      expect(requests.size).toBeLessThanOrEqual(101);
      console.log(JSON.stringify({ storm: { notifications: 200, cards: result.messages.length, rejected: 0, drainSeconds: result.drainSeconds } }));
    });

    // Up to 60 s to find the owner, a restart and a rebalance, then the storm's rest: more than the default.
    it('loses nothing when the sender owning the chatbot is killed with SIGKILL mid-storm and restarted', async () => {
      let killed = '';
      const result = await storm('killed', 150, async () => {
        // The owner is the sender holding the bot's pending notifications.
        const candidates = [
          { process: fleet.processes.find((p) => p.name === 'lark-sender')!, port: Number(fleet.env.LARK_SENDER_PORT) },
          { process: senders[0]!, port: 25260 },
          { process: senders[1]!, port: 25261 },
        ];
        const owner = await waitFor('the owner of the bot', async () => {
          for (const candidate of candidates) {
            const metrics = await fetch(`${internalUrlOf(candidate.port)}/metrics`).then((answer) => answer.text()).catch(() => '');
            const pending = /^alertlark_sender_pending_notifications(?:\{[^}]*\})? (\d+)/m.exec(metrics);
            if (pending && Number(pending[1]) > 0) return candidate;
          }
          return undefined;
        }, 60_000, 50);
        killed = owner.process.name;
        await owner.process.kill();
        await startSender(`${killed}-restarted`, owner.port);
      });
      expect(killed).not.toBe('');
      expect(result.messages.filter((message) => !message.accepted)).toEqual([]);
      const delivered = result.finished.filter((event) => event.outcome === 'delivered');
      expect(new Set(delivered.map((event) => event.notificationId)).size).toBe(150);
      // A card Lark accepted just before the kill, whose ledger row was never written, is sent again
      // by the next owner: the only duplicates possible, at most the one request in flight for the bot.
      const deliveredRequests = new Set(delivered.map((event) => event.digestId ?? event.notificationId)).size;
      const duplicateCards = result.messages.length - deliveredRequests;
      console.log(JSON.stringify({ killedSender: killed, cards: result.messages.length, duplicateCards, drainSeconds: result.drainSeconds }));
      expect(duplicateCards).toBeGreaterThanOrEqual(0);
      expect(duplicateCards).toBeLessThanOrEqual(1);
    }, 240_000);
  });
});
