import type { DeliveryEvent, NotificationEvent } from '@alertlark/contracts';
import { alertNoticesOf, cardAttemptOf, UnprojectableEventError } from './projection-rows';

const notification: NotificationEvent = {
  notificationId: 'ntf1',
  teamId: 'team1',
  objectId: 'nobj1',
  policyId: 'pol1',
  groupKey: 'g',
  groupLabels: [],
  status: 'firing',
  alerts: [
    {
      fingerprint: 'fp-a',
      status: 'firing',
      labels: [
        { name: 'alertname', value: 'DiskFull' },
        { name: 'severity', value: 'critical' },
        { name: 'k8s.io/namespace', value: 'prod' },
      ],
      annotations: [],
      startsAt: '2026-11-24T09:00:00Z',
    },
    { fingerprint: 'fp-b', status: 'resolved', labels: [{ name: 'severity', value: '' }], annotations: [], startsAt: '2026-11-24T08:00:00Z', endsAt: '2026-11-24T09:00:00Z' },
  ],
  createdAt: '2026-11-24T09:00:30.000Z',
};

const delivery = (overrides: Partial<DeliveryEvent>): DeliveryEvent => ({
  deliveryId: 'dlv1',
  notificationId: 'ntf1',
  teamId: 'team1',
  objectId: 'nobj1',
  attempt: 1,
  outcome: 'delivered',
  alertCount: 2,
  at: '2026-11-24T09:00:31.000Z',
  durationMs: 40,
  ...overrides,
});

describe('alertNoticesOf', () => {
  // 2026-11-24T09:00:30Z is in the 15-minute slot 1995012 (09:00 to 09:15).
  it('makes one row per alert, id <objectId>/<fingerprint>/<status>/<startsAt>/<slot>, at the notification\'s createdAt', () => {
    expect(alertNoticesOf(notification)).toEqual([
      { _id: 'nobj1/fp-a/firing/2026-11-24T09:00:00Z/1995012', teamId: 'team1', objectId: 'nobj1', notificationId: 'ntf1', fingerprint: 'fp-a', alertname: 'DiskFull', severity: 'critical', status: 'firing', at: new Date('2026-11-24T09:00:30.000Z') },
      { _id: 'nobj1/fp-b/resolved/2026-11-24T08:00:00Z/1995012', teamId: 'team1', objectId: 'nobj1', notificationId: 'ntf1', fingerprint: 'fp-b', alertname: '(no alertname)', severity: 'none', status: 'resolved', at: new Date('2026-11-24T09:00:30.000Z') },
    ]);
  });

  it('gives the next notifications of a growing group the same rows within a slot, new ones in the next slot or a new firing episode', () => {
    const ids = (createdAt: string, startsAt = '2026-11-24T09:00:00Z') =>
      alertNoticesOf({ ...notification, notificationId: `n-${createdAt}`, createdAt, alerts: [{ ...notification.alerts[0]!, startsAt }] }).map((row) => row._id);
    expect(ids('2026-11-24T09:00:31.000Z')).toEqual(ids('2026-11-24T09:14:59.999Z'));
    expect(ids('2026-11-24T09:15:00.000Z')).not.toEqual(ids('2026-11-24T09:14:59.999Z'));
    expect(ids('2026-11-24T09:00:31.000Z', '2026-11-24T09:00:20Z')).not.toEqual(ids('2026-11-24T09:00:31.000Z'));
  });

  it('refuses a createdAt that is no time', () => {
    expect(() => alertNoticesOf({ ...notification, createdAt: 'yesterday' })).toThrow(UnprojectableEventError);
  });
});

describe('cardAttemptOf', () => {
  it.each([
    ['delivered alone: the request is the notification', delivery({}), { requestId: 'ntf1', outcome: 'delivered' }],
    ['delivered in a digest: the request is the digest', delivery({ digestId: 'dg1' }), { requestId: 'dg1', outcome: 'delivered' }],
    ['failed', delivery({ outcome: 'failed', larkCode: 19024 }), { requestId: 'ntf1', outcome: 'failed' }],
    ['dead-lettered', delivery({ outcome: 'dead-lettered' }), { requestId: 'ntf1', outcome: 'dead-lettered' }],
  ])('%s', (_name, event, expected) => {
    expect(cardAttemptOf(event)).toEqual({ _id: 'dlv1', teamId: 'team1', objectId: 'nobj1', notificationId: 'ntf1', at: new Date('2026-11-24T09:00:31.000Z'), ...expected });
  });

  it.each([
    ['a retrying attempt', delivery({ outcome: 'retrying' })],
    ['a daily summary\'s attempt', delivery({ notificationId: 'daily/nobj1/2026-11-24/09:00' })],
  ])('leaves out %s', (_name, event) => {
    expect(cardAttemptOf(event)).toBeUndefined();
  });
});
