import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { EVENTS, TOPICS, type DeadLetterEvent, type DeliveryEvent, type NotificationEvent } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { WORKSPACE_ROOT, requestJson, waitFor } from '@alertlark/testing';
import { startFleet, type Fleet } from './support/fleet';
import { createBot, type TestBot } from './support/lark-bots';

interface TeamAnswer {
  id: string;
  apiToken: string;
}

interface DeliveryRow {
  deliveryId: string;
  notificationId: string;
  digestId: string | null;
  objectId: string;
  attempt: number;
  outcome: string;
  httpStatus: number | null;
  larkCode: number | null;
  larkMsg: string | null;
  error: string | null;
  alertCount: number;
  at: string;
  durationMs: number;
}

interface DeliveriesAnswer {
  items: DeliveryRow[];
  page: number;
  pageSize: number;
  hasMore: boolean;
}

const execFileAsync = promisify(execFile);

/**
 * The console's delivery audit (GET /api/v1/deliveries, projected from alertlark.deliveries.v1)
 * and the dead-letter replay command, against the real stack and real service processes.
 */
describe('deliveries audit and dead-letter replay', () => {
  let fleet: Fleet;
  let kafka: Kafka;
  let publisher: EventPublisher;
  let teamA: TeamAnswer;
  let teamB: TeamAnswer;
  let bot: TestBot;
  const run = randomBytes(3).toString('hex');
  const objectA = `nobj_audit_a_${run}`;
  const objectA2 = `nobj_audit_a2_${run}`;
  const objectB = `nobj_audit_b_${run}`;
  const t0 = Date.now() - 60_000;

  const api = (query: string) => `${fleet.url.console}/api/v1/deliveries${query}`;
  const list = (token: string, query: string) => requestJson<DeliveriesAnswer>('GET', api(query), { token });
  const delivery = (overrides: Partial<DeliveryEvent> & Pick<DeliveryEvent, 'deliveryId' | 'teamId' | 'objectId'>): DeliveryEvent => ({
    notificationId: `ntf-${run}-1`,
    attempt: 1,
    outcome: 'delivered',
    httpStatus: 200,
    larkCode: 0,
    larkMsg: 'success',
    alertCount: 2,
    at: new Date(t0).toISOString(),
    durationMs: 35,
    ...overrides,
  });
  const publishDeliveries = (events: DeliveryEvent[]) => publisher.publish(EVENTS.deliveries, events.map((value) => ({ key: value.objectId, value })));

  beforeAll(async () => {
    fleet = await startFleet(24000);
    kafka = new Kafka({ clientId: 'e2e-deliveries', brokers: fleet.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    teamA = await fleet.createTeam(`audit-a-${run}`);
    teamB = await fleet.createTeam(`audit-b-${run}`);
    bot = await createBot(fleet, teamA.apiToken, `replayed-${run}`);
    // The console's group starts at the topic's end once it has joined: publish probes until one
    // is projected, so the events below are surely read.
    await waitFor(
      'the console to project deliveries',
      async () => {
        await publishDeliveries([delivery({ deliveryId: `probe-${run}-${randomBytes(3).toString('hex')}`, teamId: teamA.id, objectId: `nobj_probe_${run}` })]);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return (await list(teamA.apiToken, `?objectId=nobj_probe_${run}`)).body.items.length > 0 || undefined;
      },
      60_000,
      0,
    );
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await fleet?.stop();
  });

  describe('GET /api/v1/deliveries', () => {
    const at = (seconds: number) => new Date(t0 + seconds * 1_000).toISOString();

    beforeAll(async () => {
      await publishDeliveries([
        delivery({ deliveryId: `d-${run}-1`, teamId: teamA.id, objectId: objectA, outcome: 'retrying', httpStatus: 200, larkCode: 11232, larkMsg: 'frequency limited psm', at: at(1) }),
        delivery({ deliveryId: `d-${run}-2`, teamId: teamA.id, objectId: objectA, attempt: 2, at: at(2) }),
        delivery({
          deliveryId: `d-${run}-3`,
          notificationId: `ntf-${run}-2`,
          digestId: `dg-${run}`,
          teamId: teamA.id,
          objectId: objectA,
          outcome: 'dead-lettered',
          httpStatus: undefined,
          larkCode: undefined,
          larkMsg: undefined,
          error: 'connect ECONNREFUSED',
          alertCount: 7,
          at: at(3),
        }),
        delivery({ deliveryId: `d-${run}-4`, notificationId: `ntf-${run}-3`, teamId: teamA.id, objectId: objectA2, at: at(4) }),
        delivery({ deliveryId: `d-${run}-5`, notificationId: `ntf-${run}-4`, teamId: teamB.id, objectId: objectB, outcome: 'failed', larkCode: 19021, at: at(5) }),
      ]);
      await waitFor('the deliveries to be projected', async () => {
        const [a, a2, b] = await Promise.all([list(teamA.apiToken, `?objectId=${objectA}`), list(teamA.apiToken, `?objectId=${objectA2}`), list(teamB.apiToken, `?objectId=${objectB}`)]);
        return (a.body.items.length === 3 && a2.body.items.length === 1 && b.body.items.length === 1) || undefined;
      });
    });

    it("lists one chatbot's attempts newest first, every field of every row", async () => {
      const answer = await list(teamA.apiToken, `?objectId=${objectA}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ page: 1, pageSize: 20, hasMore: false });
      expect(answer.body.items.map((row) => row.deliveryId)).toEqual([`d-${run}-3`, `d-${run}-2`, `d-${run}-1`]);
      expect(answer.body.items[0]).toEqual({
        deliveryId: `d-${run}-3`,
        notificationId: `ntf-${run}-2`,
        digestId: `dg-${run}`,
        objectId: objectA,
        attempt: 1,
        outcome: 'dead-lettered',
        httpStatus: null,
        larkCode: null,
        larkMsg: null,
        error: 'connect ECONNREFUSED',
        alertCount: 7,
        at: at(3),
        durationMs: 35,
      });
      expect(answer.body.items[2]).toMatchObject({ outcome: 'retrying', httpStatus: 200, larkCode: 11232, larkMsg: 'frequency limited psm', digestId: null, error: null });
    });

    it('filters by outcome and by notification, and pages', async () => {
      const deadLettered = await list(teamA.apiToken, `?objectId=${objectA}&outcome=dead-lettered`);
      expect(deadLettered.body.items.map((row) => row.deliveryId)).toEqual([`d-${run}-3`]);
      expect((await list(teamA.apiToken, `?objectId=${objectA}&outcome=failed`)).body.items).toEqual([]);
      const ofNotification = await list(teamA.apiToken, `?objectId=${objectA}&notificationId=ntf-${run}-1`);
      expect(ofNotification.body.items.map((row) => [row.attempt, row.outcome])).toEqual([
        [2, 'delivered'],
        [1, 'retrying'],
      ]);
      const first = await list(teamA.apiToken, `?objectId=${objectA}&pageSize=2`);
      expect(first.body).toMatchObject({ page: 1, pageSize: 2, hasMore: true });
      expect(first.body.items.map((row) => row.deliveryId)).toEqual([`d-${run}-3`, `d-${run}-2`]);
      const second = await list(teamA.apiToken, `?objectId=${objectA}&pageSize=2&page=2`);
      expect(second.body).toMatchObject({ page: 2, pageSize: 2, hasMore: false });
      expect(second.body.items.map((row) => row.deliveryId)).toEqual([`d-${run}-1`]);
    });

    it("keeps each team to its own deliveries: another team's chatbot gives nothing", async () => {
      expect((await list(teamB.apiToken, `?objectId=${objectA}`)).body).toMatchObject({ items: [], hasMore: false });
      expect((await list(teamB.apiToken, `?notificationId=ntf-${run}-1`)).body.items).toEqual([]);
      const allOfB = await list(teamB.apiToken, '');
      expect(allOfB.body.items.map((row) => row.deliveryId)).toEqual([`d-${run}-5`]);
      // Without objectId: every chatbot of the team (the probes included), none of the other team's.
      const allOfA = (await list(teamA.apiToken, '?pageSize=100')).body.items.map((row) => row.deliveryId);
      expect(allOfA).toEqual(expect.arrayContaining([`d-${run}-1`, `d-${run}-2`, `d-${run}-3`, `d-${run}-4`]));
      expect(allOfA).not.toContain(`d-${run}-5`);
      expect((await requestJson('GET', api(`?objectId=${objectA}`))).status).toBe(401);
    });

    it.each([
      ['?outcome=lost', 'outcome: must be one of delivered, retrying, failed, dead-lettered'],
      ['?pageSize=500', 'pageSize: must be at most 100'],
      ['?page=0', 'page: must be at least 1'],
      ['?objectId=', 'objectId: must not be empty'],
      ['?outcomes=failed', 'outcomes: unknown parameter'],
    ])('answers 400 with the reason for %s', async (query, reason) => {
      const answer = await requestJson<{ error: string; message: string }>('GET', api(query), { token: teamA.apiToken });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('validation_failed');
      expect(answer.body.message).toContain(reason);
    });

    it('projects a redelivered event once, keeping the first, and dead-letters a bad one', async () => {
      const marker = `junk-${run}`;
      const deadLetterEnds = await topicEnds(kafka, TOPICS.deadLetter);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: TOPICS.deliveries, acks: -1, messages: [{ key: objectA, value: `{"marker":"${marker}"}` }] });
      await producer.disconnect();
      // Same key, same partition: once the sentinel is there, the redelivery before it was handled.
      await publishDeliveries([
        delivery({ deliveryId: `d-${run}-2`, teamId: teamA.id, objectId: objectA, outcome: 'failed', at: at(2) }),
        delivery({ deliveryId: `d-${run}-sentinel`, teamId: teamA.id, objectId: objectA, at: at(0) }),
      ]);
      await waitFor('the sentinel', async () => (await list(teamA.apiToken, `?objectId=${objectA}`)).body.items.length === 4 || undefined);
      const rows = (await list(teamA.apiToken, `?objectId=${objectA}`)).body.items;
      expect(rows.filter((row) => row.deliveryId === `d-${run}-2`)).toEqual([expect.objectContaining({ outcome: 'delivered' })]);

      // stats reads the deliveries topic too and dead-letters the same message: the console's entry, whichever comes first.
      const [deadLetter] = await readFrom<DeadLetterEvent>(kafka, TOPICS.deadLetter, deadLetterEnds, (entry) => entry.consumer === 'console' && (entry.value?.includes(marker) ?? false), 1);
      expect(deadLetter).toMatchObject({ sourceTopic: TOPICS.deliveries, consumer: 'console', key: objectA });
      expect(deadLetter!.reason).toMatch(/^schema violation: .*deliveryId/);

      const metrics = await (await fetch(`${fleet.internalUrl.console}/metrics`)).text();
      expect(metrics).toMatch(/alertlark_console_deliveries_projected_total\{[^}]*outcome="dead-lettered"[^}]*\} [1-9]/);
    });
  });

  describe('npm run replay-dead-letters', () => {
    const script = path.join(WORKSPACE_ROOT, 'dist', 'tools', 'dead-letters', 'src', 'main.js');
    const node = existsSync(path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'node')) ? path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'node') : process.execPath;
    const replay = async (...args: string[]) => {
      const { stdout } = await execFileAsync(node, [script, '--source-topic', TOPICS.notifications, '--consumer', 'lark-sender', '--key', bot.objectId, ...args], {
        cwd: WORKSPACE_ROOT,
        // The fleet's prefix: the group `<run>.dead-letter-replay` is this run's own.
        env: { ...process.env, KAFKA_BROKERS: fleet.env.KAFKA_BROKERS!, ALERTLARK_CONSUMER_GROUP_PREFIX: fleet.env.ALERTLARK_CONSUMER_GROUP_PREFIX! },
        timeout: 90_000,
      });
      const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      return { entries: lines.slice(0, -1), summary: lines[lines.length - 1]! };
    };

    it('republishes a dead-lettered notification to its topic once across runs, and lark-sender delivers it', async () => {
      const notification: NotificationEvent = {
        notificationId: `ntf-replay-${run}`,
        teamId: teamA.id,
        objectId: bot.objectId,
        policyId: `pol_replay_${run}`,
        groupKey: `replay-${run}`,
        groupLabels: [{ name: 'alertname', value: `Replayed_${run}` }],
        status: 'firing',
        alerts: [
          {
            fingerprint: randomBytes(8).toString('hex'),
            status: 'firing',
            labels: [{ name: 'alertname', value: `Replayed_${run}` }],
            annotations: [{ name: 'summary', value: 'alert replayed from the dead-letter topic' }],
            startsAt: new Date(t0).toISOString(),
          },
        ],
        createdAt: new Date(t0).toISOString(),
      };
      const entry = (overrides: Partial<DeadLetterEvent>): DeadLetterEvent => ({
        sourceTopic: TOPICS.notifications,
        partition: 4,
        offset: '123456',
        key: bot.objectId,
        value: JSON.stringify(notification),
        reason: 'delivery deadline passed (e2e)',
        consumer: 'lark-sender',
        at: new Date().toISOString(),
        ...overrides,
      });
      // This run's replay group starts at the dead-letter topic's current end, not at other runs' entries.
      const admin = kafka.admin();
      await admin.connect();
      const groupId = `${fleet.env.ALERTLARK_CONSUMER_GROUP_PREFIX}.dead-letter-replay`;
      await admin.setOffsets({ groupId, topic: TOPICS.deadLetter, partitions: (await topicEnds(kafka, TOPICS.deadLetter)).map(({ partition, offset }) => ({ partition, offset })) });
      await admin.disconnect();
      const notificationEnds = await topicEnds(kafka, TOPICS.notifications);
      await publisher.publish(EVENTS.deadLetter, [
        { key: `${TOPICS.notifications}/4/123455`, value: entry({ offset: '123455', consumer: 'policy-router' }) },
        { key: `${TOPICS.notifications}/4/123456`, value: entry({}) },
        { key: `${TOPICS.notifications}/4/123457`, value: entry({ offset: '123457', value: '{"marker":"still junk"}' }) },
      ]);

      const dryRun = await replay('--dry-run');
      expect(dryRun.summary).toMatchObject({ replayed: 1, dryRun: true });
      expect(dryRun.entries).toEqual([expect.objectContaining({ action: 'would-replay', sourceOffset: '123456' })]);

      const first = await replay();
      expect(first.summary).toMatchObject({ replayed: 1, dryRun: false });
      expect(first.summary.skipped).toBeGreaterThanOrEqual(2);
      expect(first.entries).toEqual([
        expect.objectContaining({ action: 'replayed', sourceTopic: TOPICS.notifications, sourcePartition: 4, sourceOffset: '123456', key: bot.objectId, consumer: 'lark-sender' }),
      ]);
      const second = await replay();
      expect(second.summary).toMatchObject({ replayed: 0, dryRun: false });
      expect(second.entries).toEqual([]);

      const republished = await readFrom<NotificationEvent>(kafka, TOPICS.notifications, notificationEnds, (value) => value.notificationId === notification.notificationId, 1, true);
      expect(republished).toHaveLength(1);
      expect(republished[0]).toMatchObject({ partition: 4, key: bot.objectId, value: notification });

      // Not in lark-sender's ledger: the fleet's lark-sender posts it, and the console shows the attempt.
      const [card] = await bot.cards(1);
      expect(JSON.stringify(card!.body?.card)).toContain(`Replayed_${run}`);
      const audit = await waitFor('the replayed delivery in the audit', async () => {
        const rows = (await list(teamA.apiToken, `?objectId=${bot.objectId}&notificationId=${notification.notificationId}&outcome=delivered`)).body.items;
        return rows.length > 0 ? rows : undefined;
      });
      expect(audit[0]).toMatchObject({ objectId: bot.objectId, outcome: 'delivered', alertCount: 1 });
    }, 180_000);

    it('refuses a bad command line before reading anything', async () => {
      await expect(execFileAsync(node, [script, '--since', 'yesterday'], { cwd: WORKSPACE_ROOT })).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--since must be an ISO 8601 time'),
      });
    });
  });
});

async function topicEnds(kafka: Kafka, topic: string): Promise<{ partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a topic from the given offsets with a fresh group until `expected` values pass `keep`, and
 * 2 s longer so that an extra one would be seen too.
 */
async function readFrom<T>(kafka: Kafka, topic: string, from: { partition: number; offset: string }[], keep: (value: T) => boolean, expected: number): Promise<T[]>;
async function readFrom<T>(
  kafka: Kafka,
  topic: string,
  from: { partition: number; offset: string }[],
  keep: (value: T) => boolean,
  expected: number,
  withMeta: true,
): Promise<{ partition: number; key: string | null; value: T }[]>;
async function readFrom<T>(kafka: Kafka, topic: string, from: { partition: number; offset: string }[], keep: (value: T) => boolean, expected: number, withMeta = false) {
  const groupId = `e2e-reader-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId, topic, partitions: from });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const found: { partition: number; key: string | null; value: T }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic });
  try {
    await consumer.run({
      eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        let value: T;
        try {
          value = JSON.parse(message.value?.toString() ?? 'null') as T;
        } catch {
          return;
        }
        if (value && keep(value)) found.push({ partition, key: message.key?.toString() ?? null, value });
      },
    });
    await waitFor(`${expected} messages on ${topic}`, async () => found.length >= expected || undefined, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  } finally {
    await consumer.disconnect();
  }
  return withMeta ? found : found.map((entry) => entry.value);
}
