import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { JsonLogger } from '@alertlark/service-kit';
import { AlertStateRepository } from './alert-state.repository';
import { ALERT_HISTORY_MODEL, ALERT_STATE_MODEL, alertHistorySchema, alertStateSchema } from './alert-state.schema';
import { DailyStatsRepository } from './daily-stats.repository';
import { dailyStatsModels } from './daily-stats.schema';
import { DeliveryAuditRepository } from './delivery-audit.repository';
import { DELIVERY_AUDIT_MODEL, deliveryAuditSchema } from './delivery-audit.schema';
import { DeliveryLedgerRepository } from './delivery-ledger.repository';
import { DELIVERY_LEDGER_MODEL, deliveryLedgerSchema } from './delivery-ledger.schema';
import { LARK_MESSAGE_MODEL, LarkMessageRepository, larkMessageSchema } from './lark-message.repository';
import { RetentionSweeper } from './retention.sweeper';

/** Each owner's sweep against the real server: old rows go in batches, recent ones stay. */
describe('retention sweeps against the real MongoDB-compatible server', () => {
  const database = `retention_${randomBytes(4).toString('hex')}`;
  const now = new Date('2026-12-07T00:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  const logger = { event: () => undefined } as unknown as JsonLogger;
  let connection: mongoose.Connection;

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url).asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const ids = async (model: mongoose.Model<{ _id: string }>) =>
    (await model.find({}, { _id: 1 }).lean<{ _id: string }[]>().exec()).map((row) => row._id).sort();

  it("the console's alert history and delivery audit", async () => {
    const historyModel = connection.model(ALERT_HISTORY_MODEL, alertHistorySchema);
    const auditModel = connection.model(DELIVERY_AUDIT_MODEL, deliveryAuditSchema);
    const alerts = new AlertStateRepository(connection.model(ALERT_STATE_MODEL, alertStateSchema), historyModel);
    const audit = new DeliveryAuditRepository(auditModel);
    await alerts.recordHistory(
      [40, 35, 31, 29, 0].map((days) => ({ _id: `h${days}`, teamId: 't1', fingerprint: 'f', at: daysAgo(days), kind: 'firing' as const })),
    );
    await audit.recordMany(
      [10, 8, 6].map((days) => ({ _id: `d${days}`, teamId: 't1', objectId: 'o1', notificationId: `n${days}`, attempt: 1, outcome: 'delivered' as const, alertCount: 1, at: daysAgo(days), durationMs: 5 })),
    );
    const sweeper = new RetentionSweeper(
      [
        { collection: 'alert_history', days: 30, deleteBatch: (cutoff, limit) => alerts.deleteHistoryOlderThan(cutoff, limit) },
        { collection: 'deliveries', days: 7, deleteBatch: (cutoff, limit) => audit.deleteOlderThan(cutoff, limit) },
      ],
      { intervalMs: 60_000, batchSize: 2 },
      logger,
    );

    expect(await sweeper.sweep(now)).toEqual({ alert_history: 3, deliveries: 2 });
    expect(await ids(historyModel as unknown as mongoose.Model<{ _id: string }>)).toEqual(['h0', 'h29']);
    expect(await ids(auditModel as unknown as mongoose.Model<{ _id: string }>)).toEqual(['d6']);
    // A second pass, or another replica's, finds nothing left.
    expect(await sweeper.sweep(now)).toEqual({ alert_history: 0, deliveries: 0 });
  });

  it("lark-sender's delivery ledger and posted cards", async () => {
    const ledgerModel = connection.model(DELIVERY_LEDGER_MODEL, deliveryLedgerSchema);
    const messageModel = connection.model(LARK_MESSAGE_MODEL, larkMessageSchema);
    const ledger = new DeliveryLedgerRepository(ledgerModel);
    const messages = new LarkMessageRepository(messageModel);
    await ledger.recordMany([31, 30.5, 2].map((days) => ({ _id: `n${days}`, teamId: 't1', objectId: 'o1', outcome: 'delivered' as const, attempts: 1, finishedAt: daysAgo(days) })));
    for (const days of [20, 13]) await messages.record({ _id: `m${days}`, teamId: 't1', objectId: 'o1', notificationId: `n${days}`, sentAt: daysAgo(days) });

    expect(await ledger.deleteOlderThan(daysAgo(30), 1)).toBe(1);
    expect(await ledger.deleteOlderThan(daysAgo(30), 10)).toBe(1);
    expect(await ids(ledgerModel as unknown as mongoose.Model<{ _id: string }>)).toEqual(['n2']);
    expect([...(await ledger.finishedAmong(['n31', 'n2'])).keys()]).toEqual(['n2']);
    expect(await messages.deleteOlderThan(daysAgo(14), 10)).toBe(1);
    expect(await ids(messageModel as unknown as mongoose.Model<{ _id: string }>)).toEqual(['m13']);
  });

  it("the stats rows, by age and by a deleted team", async () => {
    const models = dailyStatsModels(connection);
    const stats = new DailyStatsRepository(models.notices, models.cards);
    const notice = (id: string, teamId: string, days: number) => ({
      _id: id, teamId, objectId: 'o1', notificationId: id, fingerprint: 'f', alertname: 'Disk', severity: 'warning', status: 'firing' as const, at: daysAgo(days),
    });
    const card = (id: string, teamId: string, days: number) => ({ _id: id, teamId, objectId: 'o1', notificationId: id, requestId: id, outcome: 'delivered' as const, at: daysAgo(days) });
    await stats.recordNotices([notice('old', 't1', 401), notice('kept', 't1', 399), notice('t2-recent', 't2', 1)]);
    await stats.recordCards([card('old', 't1', 500), card('kept', 't1', 1), card('t2-recent', 't2', 1)]);

    expect(await stats.deleteNoticesOlderThan(daysAgo(400), 10)).toBe(1);
    expect(await stats.deleteCardsOlderThan(daysAgo(400), 10)).toBe(1);
    expect(await stats.size()).toEqual({ notices: 2, cards: 2 });

    expect(await stats.deleteAllOfTeam('t2')).toEqual({ notices: 1, cards: 1 });
    expect(await ids(models.notices as unknown as mongoose.Model<{ _id: string }>)).toEqual(['kept']);
    expect(await ids(models.cards as unknown as mongoose.Model<{ _id: string }>)).toEqual(['kept']);
  });
});
