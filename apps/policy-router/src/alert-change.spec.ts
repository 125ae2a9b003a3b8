import type { AlertEvent } from '@alertlark/contracts';
import { planAlertChange, type MatchedGroup, type TrackedAlert } from './alert-change';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const event = (overrides: Partial<AlertEvent> = {}): AlertEvent => ({
  eventId: 'e2',
  teamId: 't',
  fingerprint: '0123456789abcdef',
  status: 'firing',
  labels: [{ name: 'alertname', value: 'HighCPU' }],
  annotations: [],
  startsAt: '2026-11-24T09:59:00.000Z',
  source: 'prometheus',
  receivedAt: '2026-11-24T10:00:00.000Z',
  ...overrides,
});
const group = (policyId: string): MatchedGroup => ({ policyId, groupKey: `${policyId}:{"alertname"="HighCPU"}`, groupLabels: [{ name: 'alertname', value: 'HighCPU' }] });
const tracked = (overrides: Partial<TrackedAlert> = {}): TrackedAlert => ({ status: 'firing', endsAt: T0 + 60_000, groupKeys: [group('p1').groupKey], lastEventId: 'e1', ...overrides });
const summary = (plan: ReturnType<typeof planAlertChange>) => plan.changes.map((change) => `${change.change}:${change.policyId}:${change.status}`);

describe('planAlertChange: what an alert event changes', () => {
  it.each<[string, TrackedAlert | null, Partial<AlertEvent>, number | null, MatchedGroup[], string[], string | null]>([
    ['a new firing alert joins every matching group', null, {}, T0 + 60_000, [group('p1'), group('p2')], ['upsert:p1:firing', 'upsert:p2:firing'], 'firing'],
    ["Prometheus' re-send of an unchanged firing alert goes no further", tracked(), {}, T0 + 120_000, [group('p1')], [], null],
    ["Alertmanager's re-sent webhook (no endsAt) goes no further", tracked({ endsAt: null }), {}, null, [group('p1')], [], null],
    ['a resolved message resolves it in its groups', tracked(), { status: 'resolved' }, T0, [group('p1')], ['upsert:p1:resolved'], 'resolved'],
    ['an endsAt already passed counts as resolved', tracked(), {}, T0 - 1, [group('p1')], ['upsert:p1:resolved'], 'resolved'],
    ['firing again after its resolve timeout passed is a new firing', tracked({ endsAt: T0 - 1 }), {}, T0 + 60_000, [group('p1')], ['upsert:p1:firing'], 'firing'],
    ['a resolved alert never seen firing is not announced', null, { status: 'resolved' }, T0, [group('p1')], [], null],
    ['a policy created while the alert fires takes it in', tracked(), {}, T0 + 60_000, [group('p1'), group('p2')], ['upsert:p2:firing'], null],
    ['a resolved alert does not join a group it was not in', tracked({ groupKeys: [] }), { status: 'resolved' }, T0, [group('p1')], [], 'resolved'],
    ['a policy that stopped matching lets the alert go', tracked({ groupKeys: [group('p1').groupKey, group('p2').groupKey] }), {}, T0 + 60_000, [group('p1')], ['leave:p2:firing'], null],
    ['a redelivered event is applied again', tracked({ lastEventId: 'e2' }), {}, T0 + 60_000, [group('p1')], ['upsert:p1:firing'], null],
  ])('%s', (_case, previous, overrides, endsAt, matched, expected, transition) => {
    const plan = planAlertChange(previous, event(overrides), endsAt, matched, T0);
    expect(summary(plan)).toEqual(expected);
    expect(plan.transition).toBe(transition);
  });

  it('remembers the groups the alert is in, and carries what grouping needs', () => {
    const plan = planAlertChange(null, event(), T0 + 60_000, [group('p1')], T0);
    expect(plan.groupKeys).toEqual([group('p1').groupKey]);
    expect(plan.changes[0]).toEqual({
      eventId: 'e2',
      teamId: 't',
      policyId: 'p1',
      groupKey: group('p1').groupKey,
      groupLabels: [{ name: 'alertname', value: 'HighCPU' }],
      fingerprint: '0123456789abcdef',
      change: 'upsert',
      status: 'firing',
      startsAt: '2026-11-24T09:59:00.000Z',
    });
    expect(planAlertChange(tracked({ groupKeys: [group('p1').groupKey, group('p2').groupKey] }), event(), T0 + 60_000, [group('p1')], T0).groupKeys).toEqual([group('p1').groupKey]);
  });
});
