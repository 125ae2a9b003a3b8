import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { EVENTS, type DeliveryEvent } from '@alertlark/contracts';
import { EventPublisher } from '@alertlark/kafka';
import { requestJson, waitFor } from '@alertlark/testing';
import { startFleet, type Fleet } from './support/fleet';

/**
 * Deleting a team removes its daily statistics: the stats service projects two teams' delivery
 * attempts from Kafka, the console deletes one team, and only the other team's rows remain.
 */
describe('stats: a deleted team takes its statistics rows with it', () => {
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
    fleet = await startFleet(37000, {}, { services: ['console', 'stats'] });
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
