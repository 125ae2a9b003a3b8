import { createHmac, randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { TOPICS, type AlertEvent } from '@alertlark/contracts';
import { requestJson, waitFor } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';

interface EmulatorMessage {
  token: string;
  accepted: boolean;
  code: number | null;
  body: { msg_type: string; card: unknown; timestamp?: string; sign?: string } | null;
}

const cardText = (message: EmulatorMessage) => JSON.stringify(message.body?.card ?? {});

describe('an Alertmanager webhook becomes a signed Lark card, across separate processes', () => {
  let fleet: Fleet;
  let ingestToken: string;
  let teamId: string;
  const botToken = `bot-${randomBytes(6).toString('hex')}`;
  const botSecret = 'e2e-signing-secret';
  const run = randomBytes(3).toString('hex');
  const alertname = `DiskFull_${run}`;

  const webhook = (status: 'firing' | 'resolved', labels: Record<string, string>) => ({
    version: '4',
    status,
    receiver: 'alertlark',
    groupLabels: { alertname: labels.alertname },
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `Disk almost full on ${labels.instance}`, description: 'Less than 5% free' },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local:9090/graph?g0.expr=disk',
      },
    ],
  });
  const messages = async () =>
    (await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${botToken}`)).body.messages;
  const postWebhook = (body: unknown, token = ingestToken) =>
    requestJson('POST', `${fleet.url.ingest}/api/v1/alerts/alertmanager`, { token, body });

  beforeAll(async () => {
    fleet = await startFleet(13000, { INGEST_MAX_BODY: '64kb' });
    await requestJson('POST', `${fleet.url.emulator}/_emulator/bots`, { body: { token: botToken, secret: botSecret, keywords: ['alert'] } });

    const team = { body: await fleet.createTeam('sre') };
    ({ ingestToken, id: teamId } = team.body);
    const object = await requestJson<{ id: string; webhookUrl: string; secret: string }>('POST', `${fleet.url.console}/api/v1/notification-objects`, {
      token: team.body.apiToken,
      body: { name: 'oncall', webhookUrl: `${fleet.url.emulator}/open-apis/bot/v2/hook/${botToken}`, secret: botSecret, keywords: ['alert'] },
    });
    expect(object.status).toBe(201);
    expect(object.body.webhookUrl).not.toContain(botToken);
    expect(object.body.secret).toBe('****');
    const policy = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-policies`, {
      token: team.body.apiToken,
      body: { name: 'critical disks', matchers: [`alertname="${alertname}"`, 'severity=~"critical|page"'], objectIds: [object.body.id], groupWait: '1s', groupInterval: '2s' },
    });
    expect(policy.status).toBe(201);
    await waitForConfig(fleet, 'ingest', `team/${teamId}`);
    await waitForConfig(fleet, 'policy-router', `policy/${policy.body.id}`);
    await waitForConfig(fleet, 'lark-sender', `object/${object.body.id}`);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('delivers a firing card and then a resolved card; an unmatched alert produces nothing', async () => {
    const unmatched = await postWebhook(webhook('firing', { alertname, severity: 'warning', instance: 'db-2' }));
    expect(unmatched.status).toBe(202);
    const firing = await postWebhook(webhook('firing', { alertname, severity: 'critical', instance: 'db-1' }));
    expect(firing).toEqual({ status: 202, body: { accepted: 1 } });

    const [firingCard] = await waitFor('the firing card', async () => ((await messages()).length >= 1 ? messages() : undefined));
    expect(firingCard).toMatchObject({ accepted: true, code: 0 });
    expect(firingCard!.body?.msg_type).toBe('interactive');
    const firingText = cardText(firingCard!);
    for (const expected of ['alert', alertname, 'critical', 'Disk almost full on db-1']) expect(firingText).toContain(expected);
    expect(firingText).toMatch(/firing/i);
    expect(firingText).not.toContain('db-2');

    // Signed as LARK.md says: HMAC-SHA256 keyed by "timestamp\nsecret" over an empty message, seconds.
    const { timestamp, sign } = firingCard!.body!;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(sign).toBe(createHmac('sha256', `${timestamp}\n${botSecret}`).update('').digest('base64'));

    const resolved = await postWebhook(webhook('resolved', { alertname, severity: 'critical', instance: 'db-1' }));
    expect(resolved.status).toBe(202);
    const all = await waitFor('the resolved card', async () => {
      const current = await messages();
      return current.length >= 2 ? current : undefined;
    });
    const resolvedText = cardText(all[1]!);
    expect(all[1]).toMatchObject({ accepted: true, code: 0 });
    expect(resolvedText).toMatch(/resolved/i);
    expect(resolvedText).toContain(alertname);
    expect(JSON.stringify(all[1]!.body)).toContain('"template":"green"');

    // The warning alert was published before both; by now it has long been routed, to nobody.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await messages()).toHaveLength(2);
  });

  it('rejects bad requests with a clear 4xx and publishes nothing for them', async () => {
    const rejectedName = `Rejected_${run}`;
    const valid = webhook('firing', { alertname: rejectedName, severity: 'critical', instance: 'x' });
    expect((await postWebhook(valid, '')).status).toBe(401);
    expect(await postWebhook(valid, 'alk_ingest_not-a-real-token')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });

    const malformed = await requestJson<{ error: string; message: string }>('POST', `${fleet.url.ingest}/api/v1/alerts/alertmanager`, {
      token: ingestToken,
      rawBody: '{"version":"4",',
    });
    expect(malformed).toMatchObject({ status: 400, body: { error: 'invalid_json' } });

    const badStatus = await postWebhook({ ...valid, alerts: [{ ...valid.alerts[0], status: 'burning' }] });
    expect(badStatus.status).toBe(400);
    expect((badStatus.body as { message: string }).message).toContain('alerts.0.status');

    const tooLarge = await postWebhook({ ...valid, commonAnnotations: { padding: 'x'.repeat(70 * 1024) } });
    expect(tooLarge).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });

    const prometheusShape = await requestJson('POST', `${fleet.url.ingest}/api/v2/alerts`, { token: ingestToken, body: { labels: {} } });
    expect(prometheusShape.status).toBe(400);

    // What reached Kafka for this team: the three accepted webhooks, none of the rejected ones.
    const events = await readTeamAlerts(fleet, teamId, 3);
    expect(events.map((event) => event.labels.find((label) => label.name === 'alertname')?.value)).toEqual([alertname, alertname, alertname]);
  });

  it('dead-letters a message that fails its schema and keeps consuming', async () => {
    const kafka = new Kafka({ clientId: 'e2e', brokers: fleet.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const marker = `junk-${run}`;
    await producer.send({ topic: TOPICS.alerts, acks: -1, messages: [{ key: `${teamId}/junk`, value: `{"marker":"${marker}"}` }] });
    await producer.disconnect();

    const deadLetters = await readTopic<{ value: string; reason: string; consumer: string; sourceTopic: string }>(
      fleet,
      TOPICS.deadLetter,
      (entry) => entry.value?.includes(marker),
      1,
    );
    expect(deadLetters[0]).toMatchObject({ sourceTopic: TOPICS.alerts, consumer: 'policy-router' });
    expect(deadLetters[0]!.reason).toMatch(/^schema violation: .*eventId/);

    // The router is still consuming: a new firing alert still becomes a card.
    const before = (await messages()).length;
    await postWebhook(webhook('firing', { alertname, severity: 'page', instance: 'db-3' }));
    const after = await waitFor('a card after the dead letter', async () => {
      const current = await messages();
      return current.length > before ? current : undefined;
    });
    expect(cardText(after[after.length - 1]!)).toContain('db-3');
  });
});

async function readTopic<T>(fleet: Fleet, topic: string, keep: (value: T) => boolean | undefined, expected: number): Promise<T[]> {
  const kafka = new Kafka({ clientId: 'e2e-reader', brokers: fleet.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `e2e-reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  const found: T[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value?.toString() ?? 'null') as T;
        if (value && keep(value)) found.push(value);
      },
    });
    // Wait for what is expected, then a little longer so an extra message would be seen too.
    await waitFor(`${expected} messages on ${topic}`, async () => found.length >= expected || undefined, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  } finally {
    await consumer.disconnect();
  }
  return found;
}

function readTeamAlerts(fleet: Fleet, teamId: string, expected: number): Promise<AlertEvent[]> {
  return readTopic<AlertEvent>(fleet, TOPICS.alerts, (event) => event.teamId === teamId, expected).then((events) =>
    events.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
  );
}
