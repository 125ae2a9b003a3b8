import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { EVENTS, type DailyCounts, type DeliveryEvent } from '@alertlark/contracts';
import { addDays, dailyCountsForDays, datesFrom, localDate, type AlertNotice, type CardAttempt } from '@alertlark/daily-stats';
import { EventPublisher } from '@alertlark/kafka';
import { WORKSPACE_ROOT, requestJson, waitFor } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';
import { createBot, createPolicy, postWebhook, type TestBot } from './support/lark-bots';

interface DailyAnswer {
  objectId: string;
  timezone: string;
  days: DailyCounts[];
}

interface RebuildSummary {
  database: string;
  groupId: string;
  cleared: { notices: number; cards: number };
  topics: Record<string, { partitions: number; messages: number; projected: number; skipped: number; invalid: number }>;
  rows: { notices: number; cards: number };
  durationMs: number;
}

const execFileAsync = promisify(execFile);
const ZONE = 'Asia/Shanghai';

/**
 * The daily-statistics projection end to end: real alerts become cards, the stats service projects
 * notifications and deliveries, the console answers GET /api/v1/stats/daily, and
 * `npm run stats:rebuild` replays Kafka into a fresh database with the same rows and counts.
 */
describe('stats: the daily-statistics projection, and its rebuild from Kafka', () => {
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  let bot: TestBot;
  let kafka: Kafka;
  let publisher: EventPublisher;
  const run = randomBytes(3).toString('hex');
  const rebuiltDatabase = `stats_rebuilt_${run}`;
  const connections: mongoose.Connection[] = [];

  const daily = (query: string, token = team.apiToken) => requestJson<DailyAnswer & { message?: string }>('GET', `${fleet.url.console}/api/v1/stats/daily${query}`, { token });
  const databaseUrl = (name?: string) => (name ? fleet.env.MONGO_URL!.replace(/\/[^/?]*(\?|$)/, `/${name}$1`) : fleet.env.MONGO_URL!);
  const open = async (name?: string) => {
    const connection = await mongoose.createConnection(databaseUrl(name)).asPromise();
    connections.push(connection);
    return connection;
  };
  /** The team's projection rows in one database, sorted by id. */
  const rowsIn = async (connection: mongoose.Connection) => ({
    notices: (await connection.db!.collection('stats_alert_notices').find({ teamId: team.id }).sort({ _id: 1 }).toArray()) as unknown as AlertNotice[],
    cards: (await connection.db!.collection('stats_card_attempts').find({ teamId: team.id }).sort({ _id: 1 }).toArray()) as unknown as CardAttempt[],
  });

  beforeAll(async () => {
    fleet = await startFleet(27000);
    kafka = new Kafka({ clientId: 'e2e-daily-stats', brokers: fleet.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    team = await fleet.createTeam(`stats-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
    bot = await createBot(fleet, team.apiToken, `stats-${run}`);
    const zone = await requestJson('PUT', `${fleet.url.console}/api/v1/notification-objects/${bot.objectId}`, {
      token: team.apiToken,
      body: { dailyStats: { enabled: false, times: [], timezone: ZONE } },
    });
    expect(zone.status).toBe(200);
    await createPolicy(fleet, team.apiToken, { name: 'stats', matchers: [`alertname=~"Stats_${run}_.*"`], objectIds: [bot.objectId], groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' });
    // The stats group starts at the topics' end once it has joined: publish probes (attempts of
    // another team, so they stay out of the comparison below: the rebuild reads them all, the live
    // projection only those after it joined) until one is projected, so what follows is surely read.
    await waitFor(
      'the stats service to project deliveries',
      async () => {
        const probe: DeliveryEvent = {
          deliveryId: `probe-${run}-${randomBytes(3).toString('hex')}`,
          notificationId: `probe-${run}`,
          teamId: `probe-team-${run}`,
          objectId: `probe-object-${run}`,
          attempt: 1,
          outcome: 'delivered',
          alertCount: 1,
          at: new Date().toISOString(),
          durationMs: 1,
        };
        await publisher.publish(EVENTS.deliveries, [{ key: probe.objectId, value: probe }]);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const metrics = await (await fetch(`${fleet.internalUrl.stats}/metrics`)).text();
        return /alertlark_stats_events_projected_total\{[^}]*kind="delivery"[^}]*\} [1-9]/.test(metrics) || undefined;
      },
      60_000,
      0,
    );
  }, 180_000);

  afterAll(async () => {
    for (const connection of connections) {
      if (connection.name === rebuiltDatabase) await connection.dropDatabase().catch(() => undefined);
      await connection.close().catch(() => undefined);
    }
    await publisher?.disconnect();
    await fleet?.stop();
  });

  it('refuses bad daily-statistics settings, naming the value', async () => {
    const answer = await requestJson<{ error: string; message: string }>('PUT', `${fleet.url.console}/api/v1/notification-objects/${bot.objectId}`, {
      token: team.apiToken,
      body: { dailyStats: { enabled: true, times: ['09:00', '25:00'], timezone: 'Mars/Olympus' } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('validation_failed');
    expect(answer.body.message).toContain('dailyStats.times.1: "25:00" is not a time of day (HH:mm, 24 h)');
    expect(answer.body.message).toContain('dailyStats.timezone: "Mars/Olympus" is not an IANA time zone');
  });

  it('refuses bad queries with a 400 naming the parameter, and another chatbot id with a 404', async () => {
    const cases: [string, number, string][] = [
      ['', 400, 'objectId: required'],
      [`?objectId=${bot.objectId}&from=2026-13-01`, 400, 'from: "2026-13-01" is not a date (YYYY-MM-DD)'],
      [`?objectId=${bot.objectId}&from=2026-01-01&to=2026-06-01`, 400, 'from: "2026-01-01".."2026-06-01" is 152 days; at most 92'],
      [`?objectId=${bot.objectId}&from=2026-06-02&to=2026-06-01`, 400, 'from: "2026-06-02" is after to ("2026-06-01")'],
      [`?objectId=${bot.objectId}&day=2026-06-01`, 400, 'day: unknown parameter'],
      ['?objectId=nobj_not_ours', 404, 'notification object nobj_not_ours not found'],
    ];
    for (const [query, status, message] of cases) {
      const answer = await daily(query);
      expect({ query, status: answer.status }).toEqual({ query, status });
      expect(answer.body.message).toContain(message);
    }
  });

  it('counts real alerts and cards per local day, and a rebuild from Kafka into a fresh database gives the same rows and counts', async () => {
    // Four alerts in three groups (by alertname); one resolves: total 4, resolved 1.
    await postWebhook(fleet, team.ingestToken, [
      { labels: { alertname: `Stats_${run}_Disk`, instance: 'a', severity: 'warning' } },
      { labels: { alertname: `Stats_${run}_Disk`, instance: 'b', severity: 'warning' } },
      { labels: { alertname: `Stats_${run}_Down`, instance: 'c', severity: 'critical' } },
      { labels: { alertname: `Stats_${run}_Cpu`, instance: 'd' } },
    ]);
    await bot.cards(3, 30_000);
    await postWebhook(fleet, team.ingestToken, [{ labels: { alertname: `Stats_${run}_Down`, instance: 'c', severity: 'critical' }, status: 'resolved' }]);
    await bot.cards(4, 30_000);
    const cards = (await bot.messages()).length;

    const today = localDate(new Date(), ZONE);
    const day = await waitFor(
      'the projection to count the day',
      async () => {
        const answer = await daily(`?objectId=${bot.objectId}&from=${today}&to=${today}`);
        const counts = answer.body.days?.[0];
        return counts && counts.total === 4 && counts.resolved === 1 && counts.cardsSent === cards ? counts : undefined;
      },
      30_000,
    );
    expect(day).toEqual({
      date: today,
      timezone: ZONE,
      total: 4,
      resolved: 1,
      unresolved: 3,
      bySeverity: [
        { severity: 'warning', count: 2 },
        { severity: 'critical', count: 1 },
        { severity: 'none', count: 1 },
      ],
      topAlertnames: [
        { alertname: `Stats_${run}_Disk`, count: 2 },
        { alertname: `Stats_${run}_Cpu`, count: 1 },
        { alertname: `Stats_${run}_Down`, count: 1 },
      ],
      cardsSent: cards,
      cardsFailed: 0,
    });

    // The default range: the last 14 days up to today in the chatbot's zone, quiet days as zeros.
    const range = await daily(`?objectId=${bot.objectId}`);
    expect(range.status).toBe(200);
    expect(range.body.objectId).toBe(bot.objectId);
    expect(range.body.timezone).toBe(ZONE);
    expect(range.body.days.map((entry) => entry.date)).toEqual(datesFrom(addDays(today, -13), today));
    expect(range.body.days[13]).toEqual(day);
    expect(range.body.days.slice(0, 13).every((entry) => entry.total === 0 && entry.cardsSent === 0)).toBe(true);

    // Rebuild into a fresh database on the same server.
    const script = path.join(WORKSPACE_ROOT, 'dist', 'apps', 'stats', 'src', 'rebuild.main.js');
    const node = existsSync(path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'node')) ? path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'node') : process.execPath;
    const { stdout } = await execFileAsync(node, [script, '--database', rebuiltDatabase], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, KAFKA_BROKERS: fleet.env.KAFKA_BROKERS!, MONGO_URL: fleet.env.MONGO_URL!, ALERTLARK_CONSUMER_GROUP_PREFIX: fleet.env.ALERTLARK_CONSUMER_GROUP_PREFIX! },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const summary = JSON.parse(stdout.trim()) as RebuildSummary;
    expect(summary.database).toBe(rebuiltDatabase);
    expect(summary.cleared).toEqual({ notices: 0, cards: 0 });
    expect(summary.topics[EVENTS.notifications.topic]!.projected).toBeGreaterThanOrEqual(4);
    expect(summary.topics[EVENTS.deliveries.topic]!.projected).toBeGreaterThanOrEqual(cards);
    expect(summary.rows.notices).toBeGreaterThan(0);

    // The same rows in both databases, hence the same counts: the live reader's answer, and the
    // pure counting over each database's rows, for every day of the default range.
    const live = await rowsIn(await open());
    const rebuilt = await rowsIn(await open(rebuiltDatabase));
    expect(live.notices.length).toBeGreaterThanOrEqual(5);
    expect(rebuilt).toEqual(live);

    const asOf = new Date();
    const dates = datesFrom(addDays(today, -13), today);
    const fromRows = (rows: typeof live) =>
      dailyCountsForDays(
        rows.notices.filter((row) => row.objectId === bot.objectId),
        rows.cards.filter((row) => row.objectId === bot.objectId),
        { dates, timezone: ZONE, asOf },
      );
    const api = (await daily(`?objectId=${bot.objectId}`)).body.days;
    expect(fromRows(live)).toEqual(api);
    expect(fromRows(rebuilt)).toEqual(api);
  }, 360_000);
});
