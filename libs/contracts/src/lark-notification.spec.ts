import { isDailySummary, larkNotificationSchema } from './lark-notification';

const alertNotification = {
  notificationId: 'n1',
  teamId: 't1',
  objectId: 'o1',
  policyId: 'p1',
  groupKey: 'p1:{}',
  groupLabels: [],
  status: 'firing',
  alerts: [{ fingerprint: 'f1', status: 'firing', labels: [], annotations: [], startsAt: '2026-11-24T00:00:00Z' }],
  createdAt: '2026-11-24T00:00:00Z',
};
const summary = {
  kind: 'daily-summary',
  notificationId: 'daily/o1/2026-11-24/09:00',
  teamId: 't1',
  objectId: 'o1',
  time: '09:00',
  late: false,
  counts: { date: '2026-11-24', timezone: 'UTC', total: 1, resolved: 0, unresolved: 1, bySeverity: [], topAlertnames: [], cardsSent: 1, cardsFailed: 0 },
  createdAt: '2026-11-24T09:00:05Z',
};

describe('larkNotificationSchema: the notifications topic', () => {
  it('takes an alert notification as the router writes it, without kind', () => {
    const parsed = larkNotificationSchema.parse(alertNotification);
    expect(isDailySummary(parsed)).toBe(false);
  });

  it('takes a daily summary', () => {
    expect(isDailySummary(larkNotificationSchema.parse(summary))).toBe(true);
  });

  it.each([
    ['an alert notification without alerts', { ...alertNotification, alerts: undefined }, ['alerts']],
    ['a summary with a bad time', { ...summary, time: '25:00' }, ['time']],
    ['an unknown kind', { ...alertNotification, kind: 'other' }, ['kind']],
  ])('reports %s against the shape it meant to be', (_case, value, path) => {
    const result = larkNotificationSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path)).toEqual([path]);
  });
});
