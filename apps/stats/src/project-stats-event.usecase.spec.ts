import { Registry } from 'prom-client';
import type { DeliveryEvent, LarkNotification, NotificationEvent } from '@alertlark/contracts';
import type { AlertNotice, CardAttempt } from '@alertlark/daily-stats';
import { PermanentEventError } from '@alertlark/kafka';
import type { DailyStatsRepository } from '@alertlark/persistence';
import { rowsOf } from './projection-rebuild';
import { ProjectStatsEventUseCase } from './project-stats-event.usecase';

const notification: NotificationEvent = {
  notificationId: 'ntf1',
  teamId: 't1',
  objectId: 'o1',
  policyId: 'p1',
  groupKey: 'g1',
  groupLabels: [],
  status: 'firing',
  alerts: [{ fingerprint: 'fp1', status: 'firing', labels: [{ name: 'alertname', value: 'Disk' }], annotations: [], startsAt: '2026-11-24T09:00:00Z' }],
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

function setup() {
  const notices: AlertNotice[] = [];
  const cards: CardAttempt[] = [];
  const repository = {
    recordNotices: async (rows: AlertNotice[]) => void notices.push(...rows),
    recordCards: async (rows: CardAttempt[]) => void cards.push(...rows),
  } as unknown as DailyStatsRepository;
  return { notices, cards, useCase: new ProjectStatsEventUseCase(repository, new Registry()) };
}

describe('ProjectStatsEventUseCase', () => {
  it('writes an alert notification\'s alerts and a delivered attempt', async () => {
    const { notices, cards, useCase } = setup();
    await useCase.notification(notification);
    await useCase.delivery(delivery());
    expect(notices.map((row) => row._id)).toEqual(['ntf1/fp1']);
    expect(cards.map((row) => [row._id, row.requestId, row.outcome])).toEqual([['d1', 'ntf1', 'delivered']]);
  });

  it('skips daily summaries and retrying attempts', async () => {
    const { notices, cards, useCase } = setup();
    await useCase.notification(summary);
    await useCase.delivery(delivery({ outcome: 'retrying' }));
    expect(notices).toEqual([]);
    expect(cards).toEqual([]);
  });

  it('dead-letters a notification whose createdAt is no time', async () => {
    const { useCase } = setup();
    await expect(useCase.notification({ ...notification, createdAt: 'soon' })).rejects.toThrow(PermanentEventError);
  });
});

describe('rowsOf (the rebuild) makes the live consumer\'s rows', () => {
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

  it.each([
    ['alertlark.notifications.v1', bytes(notification), 'projected', 1, 0],
    ['alertlark.notifications.v1', bytes(summary), 'skipped', 0, 0],
    ['alertlark.notifications.v1', bytes({ ...notification, alerts: [] }), 'invalid', 0, 0],
    ['alertlark.notifications.v1', bytes({ ...notification, createdAt: 'soon' }), 'invalid', 0, 0],
    ['alertlark.notifications.v1', Buffer.from('not json'), 'invalid', 0, 0],
    ['alertlark.deliveries.v1', bytes(delivery()), 'projected', 0, 1],
    ['alertlark.deliveries.v1', bytes(delivery({ outcome: 'retrying' })), 'skipped', 0, 0],
    ['alertlark.deliveries.v1', null, 'invalid', 0, 0],
  ])('%s %#: %s', (topic, value, verdict, notices, cards) => {
    const rows = { notices: [] as AlertNotice[], cards: [] as CardAttempt[] };
    expect(rowsOf(topic, value, rows)).toBe(verdict);
    expect([rows.notices.length, rows.cards.length]).toEqual([notices, cards]);
  });

  it('the same rows as the use-case', async () => {
    const { notices, cards, useCase } = setup();
    await useCase.notification(notification);
    await useCase.delivery(delivery({ digestId: 'dg1' }));
    const rows = { notices: [] as AlertNotice[], cards: [] as CardAttempt[] };
    rowsOf('alertlark.notifications.v1', bytes(notification), rows);
    rowsOf('alertlark.deliveries.v1', bytes(delivery({ digestId: 'dg1' })), rows);
    expect(rows).toEqual({ notices, cards });
  });
});
