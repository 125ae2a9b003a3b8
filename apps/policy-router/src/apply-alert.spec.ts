import { routerStateKey, type AlertEvent, type NotificationPolicyConfig } from '@alertlark/contracts';
import { compilePolicy } from '@alertlark/routing';
import { applyAlertEvent, worthRecording, type ApplyContext } from './apply-alert';
import { PartitionState } from './partition-state';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const MINUTE = 60_000;

const policy = (overrides: Partial<NotificationPolicyConfig> = {}) =>
  compilePolicy({ id: 'p1', teamId: 't', name: 'p1', matchers: ['severity="critical"'], objectIds: ['o1'], groupBy: ['alertname'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', sendResolved: true, enabled: true, ...overrides } as NotificationPolicyConfig);

function context(policies = [policy()], now = T0): ApplyContext & { scheduled: Array<[string, number]> } {
  const scheduled: Array<[string, number]> = [];
  return {
    policies: { policiesOf: () => policies, policy: (_team, id) => policies.find((candidate) => candidate.id === id) },
    resolveTimeoutMs: 5 * MINUTE,
    schedule: (groupKey, at) => void scheduled.push([groupKey, at]),
    now,
    newIncarnation: () => 'inc-1',
    scheduled,
  };
}

const event = (overrides: Partial<AlertEvent> = {}): AlertEvent => ({
  eventId: 'e1',
  teamId: 't',
  fingerprint: '0123456789abcdef',
  status: 'firing',
  labels: [
    { name: 'alertname', value: 'HighCPU' },
    { name: 'severity', value: 'critical' },
  ],
  annotations: [{ name: 'summary', value: 'hot' }],
  startsAt: new Date(T0).toISOString(),
  source: 'alertmanager',
  receivedAt: new Date(T0).toISOString(),
  ...overrides,
});

const GROUP = 'p1:{"alertname"="HighCPU"}';

describe('applyAlertEvent', () => {
  it('records a new firing alert, its history, its group with the group-wait timer, and its membership, one record per key', () => {
    const state = new PartitionState(0);
    const ctx = context();
    expect(applyAlertEvent(state, event(), 10, ctx)).toBe(true);
    expect(state.group(GROUP)).toMatchObject({ teamId: 't', policyId: 'p1', incarnation: 'inc-1', flushAt: T0 + 30_000, lastFlushAt: null });
    expect([...state.membersOf(GROUP).values()]).toEqual([{ kind: 'member', groupKey: GROUP, fingerprint: '0123456789abcdef', status: 'firing', eventId: 'e1' }]);
    expect(ctx.scheduled).toEqual([[GROUP, T0 + 30_000]]);
    const { records, history } = state.takeChanges();
    expect(records.map((record) => record.key).sort()).toEqual([routerStateKey.alert('t', '0123456789abcdef'), routerStateKey.group(GROUP), routerStateKey.member(GROUP, '0123456789abcdef')].sort());
    expect(records.find((record) => record.value?.kind === 'alert')?.value).toMatchObject({ offset: 10, groupKeys: [GROUP], endsAt: null });
    expect(history).toEqual([{ id: 'e1:firing', teamId: 't', fingerprint: '0123456789abcdef', at: new Date(T0).toISOString(), kind: 'firing' }]);
    expect(state.takeChanges()).toEqual({ records: [], history: [] });
  });

  it("swallows Alertmanager's unchanged re-send: nothing recorded", () => {
    const state = new PartitionState(0);
    applyAlertEvent(state, event(), 10, context());
    state.takeChanges();
    expect(applyAlertEvent(state, event({ eventId: 'e2', receivedAt: new Date(T0 + MINUTE).toISOString() }), 11, context([policy()], T0 + MINUTE))).toBe(false);
    expect(state.takeChanges().records).toEqual([]);
  });

  it('skips an event at or below the offset already applied (a replay after a restore)', () => {
    const state = new PartitionState(0);
    applyAlertEvent(state, event(), 10, context());
    applyAlertEvent(state, event({ eventId: 'e2', status: 'resolved' }), 11, context());
    state.takeChanges();
    // The older firing event comes again: it must not bring the alert back.
    expect(applyAlertEvent(state, event(), 10, context())).toBe(false);
    expect(state.alert('t', '0123456789abcdef')?.status).toBe('resolved');
  });

  it('a resolve changes the membership and keeps the timer a flushed group already has', () => {
    const state = new PartitionState(0);
    applyAlertEvent(state, event(), 10, context());
    const group = state.group(GROUP)!;
    state.putGroup({ ...group, flushAt: T0 + 5 * MINUTE, lastFlushAt: T0 });
    state.takeChanges();
    const ctx = context([policy()], T0 + MINUTE);
    applyAlertEvent(state, event({ eventId: 'e2', status: 'resolved' }), 11, ctx);
    expect(state.membersOf(GROUP).get('0123456789abcdef')?.status).toBe('resolved');
    expect(state.group(GROUP)?.flushAt).toBe(T0 + 5 * MINUTE);
    expect(state.takeChanges().history.map((entry) => entry.kind)).toEqual(['resolved']);
  });

  it('lets an alert leave the group of a policy that stopped matching', () => {
    const state = new PartitionState(0);
    applyAlertEvent(state, event(), 10, context());
    applyAlertEvent(state, event({ eventId: 'e2' }), 11, context([policy({ matchers: ['severity="warning"'] })]));
    expect(state.membersOf(GROUP).size).toBe(0);
  });

  it('a resolved alert never seen firing is not remembered', () => {
    const state = new PartitionState(0);
    expect(applyAlertEvent(state, event({ status: 'resolved' }), 10, context())).toBe(false);
    expect(state.counts()).toEqual({ alerts: 0, groups: 0, members: 0 });
  });
});

describe('worthRecording: what a re-send of an unchanged alert writes', () => {
  const recorded = (endsAt: number | null, overrides: Record<string, unknown> = {}) => ({
    kind: 'alert' as const,
    teamId: 't',
    fingerprint: '0123456789abcdef',
    status: 'firing' as const,
    labels: [],
    annotations: [{ name: 'summary', value: 'x' }],
    startsAt: new Date(T0).toISOString(),
    endsAt,
    source: 'prometheus' as const,
    lastEventId: 'e0',
    lastReceivedAt: new Date(T0).toISOString(),
    offset: 1,
    groupKeys: [],
    ...overrides,
  });
  const resend = (overrides: Partial<AlertEvent> = {}) => event({ annotations: [{ name: 'summary', value: 'x' }], source: 'prometheus', ...overrides });

  it.each<[string, ReturnType<typeof recorded>, AlertEvent, number | null, number, boolean]>([
    ["Prometheus' re-send a minute later, recorded end still well ahead", recorded(T0 + 4 * MINUTE), resend(), T0 + 5 * MINUTE, T0 + MINUTE, false],
    ['…two minutes later, half the recorded window used', recorded(T0 + 4 * MINUTE), resend(), T0 + 6 * MINUTE + 1, T0 + 2 * MINUTE + 1, true],
    ["Alertmanager's identical re-send (no end)", recorded(null, { source: 'alertmanager' }), resend({ source: 'alertmanager' }), null, T0 + MINUTE, false],
    ['changed annotations', recorded(T0 + 4 * MINUTE), resend({ annotations: [{ name: 'summary', value: 'y' }] }), T0 + 5 * MINUTE, T0 + MINUTE, true],
    ['a resolve', recorded(T0 + 4 * MINUTE), resend({ status: 'resolved' }), T0 + MINUTE, T0 + MINUTE, true],
  ])('%s', (_case, previous, incoming, endsAt, now, expected) => {
    expect(worthRecording(previous, incoming, endsAt, now)).toBe(expected);
  });
});
