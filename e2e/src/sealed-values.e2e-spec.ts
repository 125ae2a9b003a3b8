import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { TOPICS, type ConfigEvent, type DeliveryEvent } from '@alertlark/contracts';
import { SecretBox, parseSecretKey } from '@alertlark/secrets';
import { WORKSPACE_ROOT, legacySealed, requestJson, startProcess, waitFor, waitReady, type RunningProcess } from '@alertlark/testing';
import { portEnv, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { createBot, createPolicy, postWebhook, sleep, type EmulatorMessage } from './support/lark-bots';
import { recordTopic, type TopicRecorder } from './support/topic-recorder';

const BASE = 12500;

interface ObjectRow {
  _id: string;
  teamId: string;
  webhookUrlEncrypted?: string;
  secretEncrypted?: string;
  [field: string]: unknown;
}

/**
 * Issue 14: a sealed value opens only in the row it was sealed for (team, chatbot, field), and rows
 * sealed before that are sealed again by the console at start-up, before it publishes them.
 */
describe('sealed values bound to their chatbot', () => {
  const run = randomBytes(3).toString('hex');
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', `sealed-values-${run}`);
  let fleet: Fleet;
  let database: mongoose.Connection;
  let teamA: { id: string; apiToken: string; ingestToken: string };
  let teamB: { id: string; apiToken: string; ingestToken: string };
  let config: TopicRecorder<ConfigEvent>;
  let deliveries: TopicRecorder<DeliveryEvent>;
  let restarted: RunningProcess | undefined;
  const objects = () => database.collection<ObjectRow>('notification_objects');

  beforeAll(async () => {
    fleet = await startFleet(BASE);
    database = await mongoose.createConnection(fleet.env.MONGO_URL!).asPromise();
    teamA = await fleet.createTeam(`sealed-a-${run}`);
    teamB = await fleet.createTeam(`sealed-b-${run}`);
    await Promise.all([waitForConfig(fleet, 'ingest', `team/${teamA.id}`), waitForConfig(fleet, 'ingest', `team/${teamB.id}`)]);
    config = await recordTopic<ConfigEvent>(fleet, TOPICS.config, (event) => event.type === 'object.upserted' && [teamA.id, teamB.id].includes(event.object.teamId));
    deliveries = await recordTopic<DeliveryEvent>(fleet, TOPICS.deliveries, (event) => [teamA.id, teamB.id].includes(event.teamId));
  });

  afterAll(async () => {
    await config?.stop();
    await deliveries?.stop();
    await database?.close();
    await fleet?.stop();
    await restarted?.stop();
  });

  it("a webhook copied from another team's row is refused by the test send (409) and fails its notifications (unseal-failed), and nothing reaches the other team's chat", async () => {
    const botA = await createBot(fleet, teamA.apiToken, 'victim');
    const botB = await createBot(fleet, teamB.apiToken, 'thief');
    const copied = (await objects().findOne({ _id: botA.objectId }))!.webhookUrlEncrypted!;
    expect(copied).toMatch(/^v2:/);
    // Written behind the console's back, and marked due for publication as the console's writes
    // are (the config outbox), so that the services get the copied blob.
    await database.collection<{ _id: string }>('notification_objects').updateOne({ _id: botB.objectId }, { $set: { webhookUrlEncrypted: copied, updatedAt: new Date(), unpublished: true }, $inc: { version: 1 } });

    const test = await requestJson<{ error: string; message: string }>('POST', `${fleet.url.console}/api/v1/notification-objects/${botB.objectId}/test`, { token: teamB.apiToken, body: {} });
    expect(test.status).toBe(409);
    expect(test.body).toMatchObject({ error: 'secret_unreadable', message: expect.stringMatching(/^the chatbot's webhookUrl cannot be opened \(.*sealed for another team, chatbot or field/) });

    await config.until("team B's chatbot republished with the copied URL", (events) =>
      events.some((event) => event.type === 'object.upserted' && event.object.id === botB.objectId && event.object.webhookUrlEncrypted === copied),
    );
    const alertname = `Copied_${run}`;
    await createPolicy(fleet, teamB.apiToken, { name: 'copied', matchers: [`alertname="${alertname}"`], objectIds: [botB.objectId], groupWait: '1s', groupInterval: '1m', repeatInterval: '1h' });
    await postWebhook(fleet, teamB.ingestToken, [{ labels: { alertname, instance: 'a' } }]);

    const events = await deliveries.until('the failed delivery', (values) => values.some((event) => event.objectId === botB.objectId && event.outcome === 'failed'), 60_000);
    expect(events.filter((event) => event.objectId === botB.objectId)).toEqual([
      expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(new RegExp(`^cannot unseal the webhook of ${botB.objectId} .*sealed for another team, chatbot or field`)) }),
    ]);
    const unsealFailed = await waitFor('the sender to count it', async () => {
      const metrics = await fetch(`${fleet.internalUrl['lark-sender']}/metrics`).then((answer) => answer.text());
      return /^alertlark_sender_notifications_total\{outcome="failed",reason="unseal-failed"[^}]*\} [1-9]/m.test(metrics) || undefined;
    });
    expect(unsealFailed).toBe(true);
    await sleep(1_000);
    expect(await botA.messages()).toEqual([]);
  });

  it("an app bot's update keeps its credentials sealed for it; one holding another team's app secret answers 409 naming it, on update, test send and Lark's callback", async () => {
    const credentials = (tag: string) => ({ appId: `cli_${tag}${run}`, appSecret: `secret-${tag}`, encryptKey: `ek-${tag}`, verificationToken: `vt-${tag}`, chatId: `oc_${tag}`, host: fleet.url.emulator });
    const create = (team: { apiToken: string }, tag: string) =>
      requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-objects`, { token: team.apiToken, body: { name: `app-${tag}`, app: credentials(tag) } });
    const update = (team: { apiToken: string }, id: string) =>
      requestJson<{ error?: string; message?: string; app?: { chatId: string } }>('PUT', `${fleet.url.console}/api/v1/notification-objects/${id}`, { token: team.apiToken, body: { app: { chatId: 'oc_moved' } } });
    const appA = (await create(teamA, 'a')).body.id;
    const appB = (await create(teamB, 'b')).body.id;

    const moved = await update(teamA, appA);
    expect(moved.status).toBe(200);
    expect(moved.body.app).toMatchObject({ chatId: 'oc_moved' });
    const box = new SecretBox(parseSecretKey(fleet.env.ALERTLARK_SECRET_KEY!));
    const rowA = (await objects().findOne({ _id: appA }))! as ObjectRow & { app: Record<string, string> };
    expect(box.open(rowA.app['appSecretEncrypted']!, { teamId: teamA.id, objectId: appA }, 'app.appSecret')).toBe('secret-a');

    await objects().updateOne({ _id: appB }, { $set: { 'app.appSecretEncrypted': rowA.app['appSecretEncrypted'] } });
    const refused = { error: 'secret_unreadable', message: expect.stringMatching(/^the chatbot's app\.appSecret cannot be opened/) };
    const updated = await update(teamB, appB);
    expect(updated.status).toBe(409);
    expect(updated.body).toMatchObject(refused);
    const tested = await requestJson('POST', `${fleet.url.console}/api/v1/notification-objects/${appB}/test`, { token: teamB.apiToken, body: {} });
    expect(tested.status).toBe(409);
    expect(tested.body).toMatchObject(refused);

    await objects().updateOne({ _id: appB }, { $set: { 'app.verificationTokenEncrypted': rowA.app['verificationTokenEncrypted'] } });
    const callback = await requestJson('POST', `${fleet.url.console}/api/v1/lark/callback/${appB}`, { body: { type: 'url_verification', challenge: 'c', token: 'vt-a' } });
    expect(callback.status).toBe(409);
    expect(callback.body).toMatchObject({ error: 'secret_unreadable', message: expect.stringMatching(/^the chatbot's app\.verificationToken cannot be opened/) });
  });

  it('a row sealed in the old format is sealed again for its row when the console starts, republished only so, and delivers a signed card', async () => {
    const key = parseSecretKey(fleet.env.ALERTLARK_SECRET_KEY!);
    const token = `bot-old-${run}`;
    const secret = `sign-${run}`;
    const webhookUrl = `${fleet.url.emulator}/open-apis/bot/v2/hook/${token}`;
    await requestJson('POST', `${fleet.url.emulator}/_emulator/bots`, { body: { token, secret, keywords: ['alert'] } });
    const id = `nobj_old${run}`;
    const owner = { teamId: teamA.id, objectId: id };

    // Written while no console runs, as a console before this change left it.
    await fleet.processes.find((process) => process.name === 'console')!.stop();
    const now = new Date();
    await objects().insertOne({
      _id: id,
      teamId: teamA.id,
      name: 'from before',
      webhookUrlEncrypted: legacySealed(key, webhookUrl),
      webhookHost: fleet.url.emulator,
      webhookTokenTail: token.slice(-4),
      secretEncrypted: legacySealed(key, secret),
      keywords: ['alert'],
      createdAt: now,
      updatedAt: now,
    });
    restarted = startProcess('console-restarted', 'console', { ...fleet.env, ...portEnv('console', BASE) }, logDir);
    await waitReady(`${fleet.url.console}/readyz`, 90_000);

    const row = (await objects().findOne({ _id: id }))!;
    const box = new SecretBox(key);
    expect(box.open(row.webhookUrlEncrypted!, owner, 'webhookUrl')).toBe(webhookUrl);
    expect(box.open(row.secretEncrypted!, owner, 'secret')).toBe(secret);
    expect(row.updatedAt).toEqual(now);

    await waitForConfig(fleet, 'lark-sender', `object/${id}`);
    const published = config.values().filter((event) => event.type === 'object.upserted' && event.object.id === id);
    expect(published.length).toBeGreaterThan(0);
    for (const event of published) {
      expect(event).toMatchObject({ object: { webhookUrlEncrypted: row.webhookUrlEncrypted, secretEncrypted: row.secretEncrypted, webhookKey: expect.any(String) } });
    }

    const alertname = `Migrated_${run}`;
    await createPolicy(fleet, teamA.apiToken, { name: 'migrated', matchers: [`alertname="${alertname}"`], objectIds: [id], groupWait: '1s', groupInterval: '1m', repeatInterval: '1h' });
    await postWebhook(fleet, teamA.ingestToken, [{ labels: { alertname, instance: 'a' } }]);
    const cards = await waitFor('the card through the migrated chatbot', async () => {
      const messages = (await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${token}`)).body.messages;
      return messages.some((message) => message.accepted) ? messages : undefined;
    }, 30_000);
    expect(cards.filter((message) => message.accepted)[0]).toMatchObject({ body: { sign: expect.any(String) } });
    expect(JSON.stringify(cards[0]!.body)).toContain(alertname);

    const log = await import('node:fs/promises').then((fs) => fs.readFile(restarted!.logFile, 'utf8'));
    expect(log).toMatch(/"message":"sealed values migrated".*"migrated":1\b/);
  });
});
