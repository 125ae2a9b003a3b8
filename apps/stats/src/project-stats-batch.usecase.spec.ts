import { Registry } from 'prom-client';
import type { DeliveryEvent, LarkNotification, NotificationEvent } from '@alertlark/contracts';
import type { AlertNotice, CardAttempt } from '@alertlark/daily-stats';
import type { ConsumedBatch } from '@alertlark/kafka';
import type { DailyStatsRepository } from '@alertlark/persistence';
import { ProjectStatsBatchUseCase } from './project-stats-batch.usecase';

const notification: NotificationEvent = {
  notificationId: 'ntf1',
  teamId: 't1',
  objectId: 'o1',
  policyId: 'p1',
  groupKey: 'g1',
  groupLabels: [],
  status: 'firing',
  alerts: [
    { fingerprint: 'fp1', status: 'firing', labels: [{ name: 'alertname', value: 'Disk' }], annotations: [], startsAt: '2026-11-24T09:00:00Z' },
    { fingerprint: 'fp2', status: 'resolved', labels: [{ name: 'alertname', value: 'Disk' }, { name: 'severity', value: 'warning' }], annotations: [], startsAt: '2026-11-24T08:00:00Z' },
  ],
  createdAt: '2026-11-24T09:00:10Z',
};
const summary: LarkNotification = {
  kind: 'daily-summary',
  notificationId: 'daily/o1/2026-11-24/09:00',
  teamId: 't1',
  objectId: 'o1',
  time: '09:00',
  late: false,
  counts: { date: '2026-11-24', timezone: 'UTC', total: 0, resolved: 0, unresolved: 0, bySeverity: [], topAlertnames: [], cardsSent: 0, cardsFailed: 0 },
  createdAt: '2026-11-24T09:00:05Z',
};
const delivery = (overrides: Partial<DeliveryEvent> = {}): DeliveryEvent => ({
  deliveryId: 'd1',
  notificationId: 'ntf1',
  teamId: 't1',
  objectId: 'o1',
  attempt: 1,
  outcome: 'delivered',
  alertCount: 1,
  at: '2026-11-24T09:00:11Z',
  durationMs: 30,
  ...overrides,
});

function batchOf(topic: string, values: (LarkNotification | DeliveryEvent)[]) {
  const deadLettered: { offset: string; reason: string }[] = [];
  const batch: ConsumedBatch<LarkNotification | DeliveryEvent> = {
    topic,
    partition: 0,
    events: values.map((value, index) => ({ topic, partition: 0, offset: String(index), key: 'o1', value })),
    invalid: 0,
    nextOffset: String(values.length),
    deadLetter: (event, reason) => void deadLettered.push({ offset: event.offset, reason }),
    heartbeat: async () => undefined,
    isRunning: () => true,
    pause: () => () => undefined,
  };
  return { batch, deadLettered };
}

function setup(failCards = false) {
  const inserts = { notices: [] as AlertNotice[][], cards: [] as CardAttempt[][] };
  const repository = {
    recordNotices: async (rows: readonly AlertNotice[]) => void inserts.notices.push([...rows]),
    recordCards: async (rows: readonly CardAttempt[]) => {
      if (failCards) throw new Error('connection refused');
      inserts.cards.push([...rows]);
    },
  } as unknown as DailyStatsRepository;
  const registry = new Registry();
  return { inserts, registry, useCase: new ProjectStatsBatchUseCase(repository, registry) };
}

describe('ProjectStatsBatchUseCase: the handler of the live consumer and of the rebuild', () => {
  it("writes a batch's alert notices in one insert, a row per alert carried once per slot, and skips daily summaries", async () => {
    const { inserts, registry, useCase } = setup();
    const { batch, deadLettered } = batchOf('alertlark.notifications.v1', [notification, summary, { ...notification, notificationId: 'ntf2' }]);
    await expect(useCase.execute(batch)).resolves.toEqual({ projected: 2, skipped: 1, rejected: 0 });
    expect(inserts.notices.map((rows) => rows.map((row) => [row._id, row.alertname, row.severity, row.status]))).toEqual([
      [
        // ntf2 repeats ntf1's alerts in the same slot: the same rows, written once.
        ['o1/fp1/firing/2026-11-24T09:00:00Z/1995012', 'Disk', 'none', 'firing'],
        ['o1/fp2/resolved/2026-11-24T08:00:00Z/1995012', 'Disk', 'warning', 'resolved'],
      ],
    ]);
    expect(inserts.cards.flat()).toEqual([]);
    expect(deadLettered).toEqual([]);
    const metrics = await registry.metrics();
    expect(metrics).toContain('alertlark_stats_events_projected_total{kind="notification"} 2');
    expect(metrics).toContain('alertlark_stats_events_projected_total{kind="daily-summary-skipped"} 1');
  });

  it("writes settled attempts by request (digest, else notification), skipping retrying ones and summaries' attempts", async () => {
    const { inserts, useCase } = setup();
    const { batch } = batchOf('alertlark.deliveries.v1', [
      delivery(),
      delivery({ deliveryId: 'd2', digestId: 'dg1', outcome: 'failed' }),
      delivery({ deliveryId: 'd3', outcome: 'retrying' }),
      delivery({ deliveryId: 'd4', notificationId: 'daily/o1/2026-11-24/09:00' }),
    ]);
    await expect(useCase.execute(batch)).resolves.toEqual({ projected: 2, skipped: 2, rejected: 0 });
    expect(inserts.cards.flat().map((row) => [row._id, row.requestId, row.outcome])).toEqual([
      ['d1', 'ntf1', 'delivered'],
      ['d2', 'dg1', 'failed'],
    ]);
  });

  it('dead-letters an event whose timestamp is no time, with the reason, and still writes the others', async () => {
    const { inserts, useCase } = setup();
    const { batch, deadLettered } = batchOf('alertlark.notifications.v1', [{ ...notification, createdAt: 'soon' }, { ...notification, notificationId: 'ntf3' }]);
    await expect(useCase.execute(batch)).resolves.toEqual({ projected: 1, skipped: 0, rejected: 1 });
    expect(deadLettered).toEqual([{ offset: '0', reason: 'createdAt "soon" is not a timestamp' }]);
    expect(inserts.notices.flat().map((row) => row._id)).toEqual(['o1/fp1/firing/2026-11-24T09:00:00Z/1995012', 'o1/fp2/resolved/2026-11-24T08:00:00Z/1995012']);
  });

  it('does not write again what it wrote lately: a later batch repeating the same notices inserts nothing', async () => {
    const { inserts, useCase } = setup();
    await useCase.execute(batchOf('alertlark.notifications.v1', [notification]).batch);
    await useCase.execute(batchOf('alertlark.notifications.v1', [{ ...notification, notificationId: 'ntf9', createdAt: '2026-11-24T09:10:00Z' }]).batch);
    expect(inserts.notices.map((rows) => rows.length)).toEqual([2, 0]);
  });

  it('fails the batch when the database does, so the consumer retries it (the rows are idempotent)', async () => {
    const { useCase } = setup(true);
    await expect(useCase.execute(batchOf('alertlark.deliveries.v1', [delivery()]).batch)).rejects.toThrow('connection refused');
  });
});
