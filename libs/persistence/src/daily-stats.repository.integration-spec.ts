import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { AlertNotice, CardAttempt } from '@alertlark/daily-stats';
import { DailyStatsRepository } from './daily-stats.repository';
import { dailyStatsModels } from './daily-stats.schema';

describe('DailyStatsRepository against the real MongoDB-compatible server', () => {
  const database = `daily_stats_${randomBytes(4).toString('hex')}`;
  let connection: mongoose.Connection;
  let stats: DailyStatsRepository;

  const notice = (notificationId: string, fingerprint: string, status: 'firing' | 'resolved', at: string, teamId = 't1', objectId = 'o1'): AlertNotice => ({
    _id: `${notificationId}/${fingerprint}`,
    teamId,
    objectId,
    notificationId,
    fingerprint,
    alertname: fingerprint.split('-')[0]!,
    severity: fingerprint.endsWith('c') ? 'critical' : 'warning',
    status,
    at: new Date(at),
  });
  const card = (deliveryId: string, notificationId: string, outcome: CardAttempt['outcome'], at: string, digestId?: string): CardAttempt => ({
    _id: deliveryId,
    teamId: 't1',
    objectId: 'o1',
    notificationId,
    requestId: digestId ?? notificationId,
    outcome,
    at: new Date(at),
  });

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url).asPromise();
    const models = dailyStatsModels(connection);
    stats = new DailyStatsRepository(models.notices, models.cards);
    const notices = [
      // Shanghai day 2026-11-24 is [2026-11-23T16:00Z, 2026-11-24T16:00Z).
      notice('n1', 'Disk-a', 'firing', '2026-11-23T17:00:00Z'),
      notice('n1', 'Disk-b', 'firing', '2026-11-23T17:00:00Z'),
      notice('n2', 'Down-c', 'firing', '2026-11-24T01:00:00Z'),
      notice('n3', 'Down-c', 'resolved', '2026-11-24T02:00:00Z'),
      // Disk-b resolves two days later: resolved as of then, not before.
      notice('n4', 'Disk-b', 'resolved', '2026-11-26T03:00:00Z'),
      // Another chatbot and another team: never counted here.
      notice('n5', 'Disk-x', 'firing', '2026-11-24T01:00:00Z', 't1', 'o2'),
      notice('n6', 'Disk-y', 'firing', '2026-11-24T01:00:00Z', 't2', 'o1'),
    ];
    await stats.recordNotices(notices);
    // Redelivered: nothing changes.
    await stats.recordNotices(notices.slice(0, 3));
    await stats.recordCards([
      card('d1', 'n1', 'delivered', '2026-11-23T17:00:01Z'),
      card('d2', 'n2', 'delivered', '2026-11-24T01:00:01Z', 'dg1'),
      card('d3', 'n3', 'delivered', '2026-11-24T01:00:01Z', 'dg1'),
      card('d4', 'n4', 'failed', '2026-11-26T03:00:01Z'),
    ]);
    await stats.recordCards([card('d1', 'n1', 'delivered', '2026-11-23T17:00:01Z')]);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('counts one chatbot\'s local day', async () => {
    expect(await stats.countsFor('t1', 'o1', '2026-11-24', 'Asia/Shanghai', new Date('2026-11-25T00:00:00Z'))).toEqual({
      date: '2026-11-24',
      timezone: 'Asia/Shanghai',
      total: 3,
      resolved: 1,
      unresolved: 2,
      bySeverity: [
        { severity: 'warning', count: 2 },
        { severity: 'critical', count: 1 },
      ],
      topAlertnames: [
        { alertname: 'Disk', count: 2 },
        { alertname: 'Down', count: 1 },
      ],
      cardsSent: 2,
      cardsFailed: 0,
    });
  });

  it('finds a resolution after the range when asOf is later, and not before it', async () => {
    const later = await stats.countsFor('t1', 'o1', '2026-11-24', 'Asia/Shanghai', new Date('2026-11-27T00:00:00Z'));
    expect([later.total, later.resolved, later.unresolved]).toEqual([3, 2, 1]);
    const earlier = await stats.countsFor('t1', 'o1', '2026-11-24', 'Asia/Shanghai', new Date('2026-11-24T01:30:00Z'));
    expect([earlier.total, earlier.resolved, earlier.cardsSent]).toEqual([3, 0, 2]);
  });

  it('answers a range day by day, zeros for quiet days; the UTC view splits the same rows differently', async () => {
    const asOf = new Date('2026-11-27T00:00:00Z');
    const days = await stats.countsForRange('t1', 'o1', '2026-11-23', '2026-11-26', 'UTC', asOf);
    expect(days.map((day) => [day.date, day.total, day.resolved, day.cardsSent, day.cardsFailed])).toEqual([
      ['2026-11-23', 2, 1, 1, 0],
      ['2026-11-24', 1, 1, 1, 0],
      ['2026-11-25', 0, 0, 0, 0],
      ['2026-11-26', 0, 0, 0, 1],
    ]);
    await expect(stats.countsForRange('t1', 'o1', '2026-11-26', '2026-11-23', 'UTC', asOf)).rejects.toThrow('"2026-11-23" is before "2026-11-26"');
  });

  it('keeps teams and chatbots apart', async () => {
    const asOf = new Date('2026-11-27T00:00:00Z');
    expect((await stats.countsFor('t1', 'o2', '2026-11-24', 'UTC', asOf)).total).toBe(1);
    expect((await stats.countsFor('t2', 'o1', '2026-11-24', 'UTC', asOf)).total).toBe(1);
    expect((await stats.countsFor('t2', 'o2', '2026-11-24', 'UTC', asOf)).total).toBe(0);
  });

  it('holds each row once, and empties', async () => {
    expect(await stats.size()).toEqual({ notices: 7, cards: 4 });
    expect(await stats.clear()).toEqual({ notices: 7, cards: 4 });
    expect(await stats.size()).toEqual({ notices: 0, cards: 0 });
  });
});
