import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { AlertStateRepository, type AlertState } from './alert-state.repository';
import { ALERT_HISTORY_MODEL, ALERT_STATE_MODEL, alertHistorySchema, alertStateSchema } from './alert-state.schema';

describe('AlertStateRepository against the real MongoDB-compatible server', () => {
  const database = `alert_states_${randomBytes(4).toString('hex')}`;
  const now = new Date('2026-12-01T10:00:00Z');
  let connection: mongoose.Connection;
  let alerts: AlertStateRepository;

  const state = (teamId: string, fingerprint: string, groupKeys: string[], status: AlertState['status'] = 'firing'): AlertState => ({
    _id: `${teamId}/${fingerprint}`,
    teamId,
    fingerprint,
    status,
    labels: [{ name: 'alertname', value: fingerprint }],
    annotations: [],
    startsAt: new Date('2026-12-01T09:00:00Z'),
    endsAt: status === 'resolved' ? new Date('2026-12-01T09:30:00Z') : null,
    source: 'alertmanager',
    lastEventId: `e-${fingerprint}`,
    lastReceivedAt: new Date('2026-12-01T09:00:00Z'),
    groupKeys,
  });

  beforeAll(async () => {
    const url = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/alertlark').replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
    connection = await mongoose.createConnection(url).asPromise();
    alerts = new AlertStateRepository(connection.model(ALERT_STATE_MODEL, alertStateSchema), connection.model(ALERT_HISTORY_MODEL, alertHistorySchema));
    await alerts.saveMany([
      state('t1', 'a', ['{}:{alertname="Disk"}']),
      state('t1', 'b', ['{}:{alertname="Disk"}', '{}:{alertname="Other"}']),
      state('t1', 'c', ['{}:{alertname="Disk"}'], 'resolved'),
      state('t1', 'd', ['{}:{alertname="Other"}']),
      state('t2', 'a', ['{}:{alertname="Disk"}']),
    ]);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it("lists and counts one group's alerts (a card's link to a group without an id), in the team only", async () => {
    const group = '{}:{alertname="Disk"}';
    const firing = await alerts.list('t1', { state: 'firing', groupKey: group, limit: 10, offset: 0, now });
    expect(firing.map((alert) => alert.fingerprint).sort()).toEqual(['a', 'b']);
    expect(await alerts.count('t1', 'firing', now, group)).toBe(2);
    expect(await alerts.count('t1', 'resolved', now, group)).toBe(1);
    expect(await alerts.count('t1', undefined, now, group)).toBe(3);
    // Without a group: every alert of the team, as before.
    expect(await alerts.count('t1', undefined, now)).toBe(4);
    expect(await alerts.count('t1', undefined, now, '{}:{alertname="None"}')).toBe(0);
  });
});
