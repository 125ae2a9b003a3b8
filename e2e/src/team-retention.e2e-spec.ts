import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { EVENTS, type DeliveryEvent } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { requestJson, waitFor } from '@alertlark/testing';
import { startFleet, type Fleet } from './support/fleet';

const DAY_MS = 86_400_000;
const RETENTION_ENV = {
  ALERTLARK_RETENTION_SWEEP_MS: '1000',
  ALERTLARK_RETENTION_HISTORY_DAYS: '30',
  ALERTLARK_RETENTION_DELIVERIES_DAYS: '10',
  LARK_SENDER_LEDGER_RETENTION_DAYS: '20',
  STATS_RETENTION_DAYS: '100',
};

/**
 * Bounded storage: each owner's retention sweeper deletes its rows past their configured days and
 * keeps the rest, and deleting a team removes its daily statistics (the stats service projects two
 * teams' delivery attempts from Kafka, the console deletes one team, only the other's rows remain).
 */
describe('retention: sweepers, and a deleted team taking its statistics rows with it', () => {
  let fleet: Fleet;
  let kafka: Kafka;
  let publisher: EventPublisher;
  let connection: mongoose.Connection;
  const run = randomBytes(3).toString('hex');

  const cardsOf = (teamId: string) => connection.db!.collection('stats_card_attempts').countDocuments({ teamId });
  const attempt = (teamId: string, n: number): DeliveryEvent => ({
    deliveryId: `d-${run}-${teamId}-${n}`,
    notificationId: `n-${run}-${teamId}-${n}`,
    teamId,
    objectId: `o-${run}`,
    attempt: 1,
    outcome: 'delivered',
    alertCount: 1,
    at: new Date().toISOString(),
    durationMs: 1,
  });

  beforeAll(async () => {
    fleet = await startFleet(10500, RETENTION_ENV, { services: ['console', 'lark-sender', 'stats'] });
    kafka = new Kafka({ clientId: 'e2e-team-retention', brokers: fleet.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    connection = await mongoose.createConnection(fleet.env.MONGO_URL!).asPromise();
  }, 180_000);

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await publisher?.disconnect();
    await fleet?.stop();
  });

  it('each owner sweeps its collections past their days and keeps the rows within them', async () => {
    const sender = connection.useDb(`${connection.name}_sender`);
    const ago = (days: number) => new Date(Date.now() - days * DAY_MS);
    // [database, collection, date field, days kept]: an old row (a day past) and a recent one (a day within).
    const owned = [
      [connection, 'alert_history', 'at', 30],
      [connection, 'deliveries', 'at', 10],
      [connection, 'stats_alert_notices', 'at', 100],
      [connection, 'stats_card_attempts', 'at', 100],
      [sender, 'delivery_ledger', 'finishedAt', 20],
      [sender, 'lark_messages', 'sentAt', 20],
    ] as const;
    const rows = (db: mongoose.Connection, collection: string) => db.db!.collection<{ _id: string; teamId: string }>(collection);
    for (const [db, collection, field, days] of owned) {
      await rows(db, collection).insertMany([
        { _id: `old-${run}`, teamId: `t-${run}`, [field]: ago(days + 1) },
        { _id: `recent-${run}`, teamId: `t-${run}`, [field]: ago(days - 1) },
      ]);
    }
    for (const [db, collection] of owned) {
      await waitFor(`${collection}'s old row to be swept`, async () => ((await rows(db, collection).countDocuments({ _id: `old-${run}` })) === 0 ? true : undefined), 30_000);
      expect(await rows(db, collection).countDocuments({ _id: `recent-${run}` })).toBe(1);
    }
  });

  it("deletes the team's rows and keeps the other team's", async () => {
    const gone = await fleet.createTeam(`gone-${run}`);
    const kept = await fleet.createTeam(`kept-${run}`);
    // The stats group starts at the topic's end once joined: publish until both teams' rows are there.
    let n = 0;
    await waitFor(
      "the stats service to project both teams' attempts",
      async () => {
        n++;
        await publisher.publish(EVENTS.deliveries, [gone.id, kept.id].map((teamId) => ({ key: `o-${run}`, value: attempt(teamId, n) })));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return ((await cardsOf(gone.id)) > 0 && (await cardsOf(kept.id)) > 0) || undefined;
      },
      60_000,
      0,
    );

    const deleted = await requestJson('DELETE', `${fleet.url.console}/api/v1/teams/${gone.id}`, { token: fleet.adminToken });
    expect(deleted.status).toBe(204);

    await waitFor("the deleted team's statistics to be removed", async () => ((await cardsOf(gone.id)) === 0 ? true : undefined), 30_000);
    expect(await cardsOf(kept.id)).toBeGreaterThan(0);
  });
});
