import type { AlertEvent, NotificationPolicyConfig } from '@alertlark/contracts';
import { ConfigView, type ConfigFeed } from '@alertlark/kafka';
import type { JsonLogger } from '@alertlark/service-kit';
import { RouteAlertUseCase } from './route-alert.usecase';

const alert = (overrides: Partial<AlertEvent> = {}): AlertEvent => ({
  eventId: 'event-1',
  teamId: 'team-1',
  fingerprint: '0123456789abcdef',
  status: 'firing',
  labels: [
    { name: 'alertname', value: 'HighCPU' },
    { name: 'instance', value: 'web-1' },
    { name: 'severity', value: 'critical' },
  ],
  annotations: [{ name: 'summary', value: 'CPU high' }],
  startsAt: '2026-11-24T10:00:00.000Z',
  source: 'alertmanager',
  receivedAt: '2026-11-24T10:00:01.000Z',
  ...overrides,
});

const policy = (overrides: Partial<NotificationPolicyConfig>): NotificationPolicyConfig => ({
  id: 'p1',
  teamId: 'team-1',
  name: 'critical',
  matchers: ['severity="critical"'],
  objectIds: ['o1'],
  sendResolved: true,
  enabled: true,
  ...overrides,
});

function setup(...policies: NotificationPolicyConfig[]) {
  const view = new ConfigView();
  for (const p of policies) view.apply({ type: 'policy.upserted', policy: p });
  const logged: string[] = [];
  const logger = { event: (_level: string, message: string) => logged.push(message) } as unknown as JsonLogger;
  return { view, logged, useCase: new RouteAlertUseCase({ view } as ConfigFeed, logger) };
}

describe('RouteAlertUseCase', () => {
  it('notifies every object of every matching policy, grouped by the policy labels', () => {
    const { useCase } = setup(policy({ objectIds: ['o1', 'o2'] }), policy({ id: 'p2', matchers: ['instance=~"web-.*"'], objectIds: ['o3'], groupBy: ['instance'] }));
    const notifications = useCase.execute(alert());
    expect(notifications.map((n) => [n.policyId, n.objectId])).toEqual([
      ['p1', 'o1'],
      ['p1', 'o2'],
      ['p2', 'o3'],
    ]);
    expect(notifications[0]!.groupLabels).toEqual([{ name: 'alertname', value: 'HighCPU' }]);
    expect(notifications[2]!.groupLabels).toEqual([{ name: 'instance', value: 'web-1' }]);
    expect(notifications[0]!.alerts[0]).toMatchObject({ fingerprint: '0123456789abcdef', status: 'firing' });
  });

  it('produces nothing for an alert no policy matches, for other teams, or for disabled policies', () => {
    const { useCase } = setup(policy({}), policy({ id: 'p2', matchers: [], enabled: false }));
    expect(useCase.execute(alert({ labels: [{ name: 'severity', value: 'warning' }] }))).toEqual([]);
    expect(useCase.execute(alert({ teamId: 'team-2' }))).toEqual([]);
  });

  it('skips resolved alerts when the policy does not send resolved', () => {
    const { useCase } = setup(policy({ sendResolved: false }));
    expect(useCase.execute(alert({ status: 'resolved' }))).toEqual([]);
    expect(useCase.execute(alert())).toHaveLength(1);
  });

  it('derives the same notification id from a redelivered event, and different ids per object', () => {
    const { useCase } = setup(policy({ objectIds: ['o1', 'o2'] }));
    const first = useCase.execute(alert()).map((n) => n.notificationId);
    const again = useCase.execute(alert()).map((n) => n.notificationId);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(2);
    expect(useCase.execute(alert({ eventId: 'event-2' }))[0]!.notificationId).not.toBe(first[0]);
  });

  it('sees configuration changes without a restart', () => {
    const { useCase, view } = setup(policy({}));
    expect(useCase.execute(alert())).toHaveLength(1);
    view.apply({ type: 'policy.deleted', teamId: 'team-1', policyId: 'p1' });
    expect(useCase.execute(alert())).toEqual([]);
  });

  it('keeps routing with the other policies when one does not compile', () => {
    const { useCase, logged } = setup(policy({ id: 'broken', matchers: ['severity=~"(critical"'] }), policy({ id: 'p2' }));
    expect(useCase.execute(alert()).map((n) => n.policyId)).toEqual(['p2']);
    expect(logged).toContain('policy skipped: it does not compile');
  });
});
