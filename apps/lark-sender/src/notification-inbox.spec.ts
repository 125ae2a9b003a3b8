import type { NotificationEvent } from '@alertlark/contracts';
import { STORED_ALERTS, storedCopy } from './notification-inbox';

const alert = (i: number, status: 'firing' | 'resolved' = 'firing') => ({ fingerprint: `fp${i}`, status, labels: [{ name: 'alertname', value: 'Disk' }], annotations: [], startsAt: '2026-11-24T09:00:00Z' });
const notification = (alerts: NotificationEvent['alerts'], totals?: NotificationEvent['totals']): NotificationEvent => ({
  notificationId: 'n1',
  teamId: 't',
  objectId: 'o',
  policyId: 'p',
  groupKey: 'g',
  groupLabels: [],
  status: 'firing',
  alerts,
  ...(totals ? { totals } : {}),
  createdAt: '2026-11-24T09:00:10Z',
});

describe('storedCopy: what pending_notifications keeps of a notification', () => {
  it('keeps a notification of up to the cap whole', () => {
    const small = notification([alert(1), alert(2, 'resolved')]);
    expect(storedCopy(small)).toBe(small);
  });

  it('keeps the first alerts of a larger one, and totals that still count every alert', () => {
    const alerts = Array.from({ length: STORED_ALERTS + 50 }, (_, i) => alert(i, i % 10 === 0 ? 'resolved' : 'firing'));
    const stored = storedCopy(notification(alerts)) as NotificationEvent;
    expect(stored.alerts).toEqual(alerts.slice(0, STORED_ALERTS));
    expect(stored.totals).toEqual({ firing: 135, resolved: 15 });
    expect((storedCopy(notification(alerts, { firing: 900, resolved: 3 })) as NotificationEvent).totals).toEqual({ firing: 900, resolved: 3 });
  });
});
