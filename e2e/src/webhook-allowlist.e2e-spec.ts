import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TOPICS, type DeliveryEvent } from '@alertlark/contracts';
import { WORKSPACE_ROOT, requestJson, startProcess, waitReady, type RunningProcess } from '@alertlark/testing';
import { portEnv, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { createBot, createPolicy, postWebhook, sleep, type EmulatorMessage } from './support/lark-bots';
import { recordTopic, type TopicRecorder } from './support/topic-recorder';

/**
 * Issue 14: lark-sender checks ALERTLARK_WEBHOOK_HOSTS_ALLOW before every request, not only the
 * console when a chatbot is saved. A notification being retried to a host the list no longer names
 * fails for good once the sender runs with the narrowed list, and nothing more reaches the host.
 */
describe('lark-sender: a narrowed webhook allowlist stops deliveries to the hosts taken off it', () => {
  const run = randomBytes(3).toString('hex');
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', `webhook-allowlist-${run}`);
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  let deliveries: TopicRecorder<DeliveryEvent>;
  let narrowed: RunningProcess | undefined;

  beforeAll(async () => {
    fleet = await startFleet(12150);
    team = await fleet.createTeam(`allowlist-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
    deliveries = await recordTopic<DeliveryEvent>(fleet, TOPICS.deliveries, (event) => event.teamId === team.id);
  });

  afterAll(async () => {
    await deliveries?.stop();
    await narrowed?.stop();
    await fleet?.stop();
  });

  it('a notification being retried to the emulator fails for good (webhook-not-allowed) after the sender restarts without it, with no further request', async () => {
    const bot = await createBot(fleet, team.apiToken, 'narrowed');
    const alertname = `Narrowed_${run}`;
    await createPolicy(fleet, team.apiToken, { name: 'narrowed', matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], groupWait: '1s', groupInterval: '1m', repeatInterval: '1h' });
    // Every request fails with 503 for a while: the sender keeps the notification and retries.
    await requestJson('POST', `${fleet.url.emulator}/_emulator/faults`, { body: { token: bot.token, faults: Array.from({ length: 200 }, () => ({ kind: 'http5xx', status: 503 })) } });
    const requests = async () => (await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${bot.token}`)).body.messages.length;
    const eventsOf = () => deliveries.values().filter((event) => event.objectId === bot.objectId);

    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname, instance: 'a' } }]);
    await deliveries.until('a retrying event', () => eventsOf().some((event) => event.outcome === 'retrying'));

    await fleet.processes.find((process) => process.name === 'lark-sender')!.stop();
    const requestsBefore = await requests();
    expect(requestsBefore).toBeGreaterThan(0);
    narrowed = startProcess('lark-sender-narrowed', 'lark-sender', { ...fleet.env, ...portEnv('lark-sender', 12160), ALERTLARK_WEBHOOK_HOSTS_ALLOW: '' }, logDir);
    await waitReady('http://127.0.0.1:12160/readyz', 90_000);

    const [failed] = (await deliveries.until('a failed event', () => eventsOf().some((event) => event.outcome === 'failed'), 60_000)).filter((event) => event.objectId === bot.objectId && event.outcome === 'failed');
    expect(failed).toMatchObject({ error: expect.stringMatching(/^webhook URL no longer allowed: private or reserved address 127\.0\.0\.1/) });
    await sleep(3_000);
    expect(await requests()).toBe(requestsBefore);
    // Failed for good: nothing more is tried.
    expect(eventsOf().filter((event) => event.outcome !== 'retrying').map((event) => event.outcome)).toEqual(['failed']);
  });
});
