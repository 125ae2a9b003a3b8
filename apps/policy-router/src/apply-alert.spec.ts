import { routerStateKey, routerStateSchema, type AlertEvent, type NotificationEvent, type NotificationPolicyConfig, type RouterStateRecord } from '@alertlark/contracts';
import { compilePolicy } from '@alertlark/routing';
import { applyAlertEvent, worthRecording, type ApplyContext } from './apply-alert';
import { flushGroup, InhibitionIndexes } from './flush-group';
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

describe('a group past its cap (5 members here)', () => {
  const CAP = 5;
  const fpOf = (i: number) => i.toString(16).padStart(16, '0');
  const catalog = { policy: () => policy(), silencesOf: () => [], inhibitionRulesOf: () => [] };
  let offset = 0;

  /** The router's state and what its changelog holds (the latest record per key), as compaction leaves it. */
  function router() {
    const state = new PartitionState(0, CAP);
    const changelog = new Map<string, RouterStateRecord | null>();
    const take = () => {
      for (const { key, value } of state.takeChanges().records) changelog.set(key, value === null ? null : routerStateSchema.parse(JSON.parse(JSON.stringify(value))));
    };
    const send = (i: number, status: AlertEvent['status'], at: number, overrides: Partial<AlertEvent> = {}) => {
      applyAlertEvent(state, event({ eventId: `e${++offset}`, fingerprint: fpOf(i), status, receivedAt: new Date(at).toISOString(), ...overrides }), offset, context([policy()], at));
      take();
    };
    const flush = (at: number): NotificationEvent[] => {
      const { notifications } = flushGroup(state, GROUP, catalog, new InhibitionIndexes(), at);
      take();
      return notifications;
    };
    return { state, changelog, send, flush };
  }

  it('holds 5 members and counts the rest on their alert records, exactly, as they fire and resolve', () => {
    const { state, changelog, send, flush } = router();
    for (let i = 0; i < 12; i++) send(i, 'firing', T0);
    expect(state.membersOf(GROUP).size).toBe(5);
    expect(state.beyondCapOf(GROUP).size).toBe(7);
    expect([...changelog.keys()].filter((key) => key.startsWith('m|'))).toHaveLength(5);
    expect(changelog.get(routerStateKey.alert('t', fpOf(11)))).toMatchObject({ beyondCap: [GROUP] });
    expect(changelog.get(routerStateKey.alert('t', fpOf(0)))).not.toHaveProperty('beyondCap');

    const first = flush(T0 + 30_000);
    expect(first).toHaveLength(1);
    expect(first[0]!.alerts).toHaveLength(5);
    expect(first[0]!.totals).toEqual({ firing: 12, resolved: 0 });

    // One member and three beyond the cap resolve; one beyond resolves and fires again before the flush.
    for (const i of [1, 6, 7, 8, 10]) send(i, 'resolved', T0 + MINUTE);
    send(10, 'firing', T0 + 2 * MINUTE);
    const second = flush(T0 + 30_000 + 5 * MINUTE);
    expect(second[0]!.totals).toEqual({ firing: 8, resolved: 4 });
    // The resolved leave; a firing alert beyond the cap takes the member's place.
    expect(state.membersOf(GROUP).size).toBe(5);
    expect([...state.membersOf(GROUP).values()].every((member) => member.status === 'firing')).toBe(true);
    expect(state.beyondCapOf(GROUP).size).toBe(3);

    // A released alert firing again is counted again, beyond the cap of the full group.
    send(7, 'firing', T0 + 7 * MINUTE);
    expect(state.beyondCapOf(GROUP).has(fpOf(7))).toBe(true);
    expect(flush(T0 + 30_000 + 10 * MINUTE)[0]!.totals).toEqual({ firing: 9, resolved: 0 });
  });

  it('forgets an alert beyond the cap that leaves the group (its policy stopped matching)', () => {
    const { state, send } = router();
    for (let i = 0; i < 7; i++) send(i, 'firing', T0);
    send(6, 'firing', T0 + MINUTE, { labels: [{ name: 'alertname', value: 'HighCPU' }, { name: 'severity', value: 'warning' }] });
    expect(state.beyondCapOf(GROUP).has(fpOf(6))).toBe(false);
    expect(state.alert('t', fpOf(6))).not.toHaveProperty('beyondCap');
  });

  it('a restore from the changelog counts the same alerts, and its flush says the same totals', () => {
    const { state, changelog, send, flush } = router();
    for (let i = 0; i < 12; i++) send(i, 'firing', T0);
    flush(T0 + 30_000);
    for (const i of [1, 6, 7]) send(i, 'resolved', T0 + MINUTE);
    flush(T0 + 30_000 + 5 * MINUTE);
    send(9, 'resolved', T0 + 6 * MINUTE);

    const restored = new PartitionState(0, CAP);
    for (const [key, value] of changelog) expect(restored.restore(key, value)).toBe(true);
    restored.dropOrphans();
    expect([...restored.membersOf(GROUP).keys()].sort()).toEqual([...state.membersOf(GROUP).keys()].sort());
    expect([...restored.beyondCapOf(GROUP)].sort()).toEqual([...state.beyondCapOf(GROUP)].sort());
    const at = T0 + 30_000 + 10 * MINUTE;
    const restoredTotals = flushGroup(restored, GROUP, catalog, new InhibitionIndexes(), at).notifications[0]!.totals;
    expect(restoredTotals).toEqual({ firing: 8, resolved: 1 });
    expect(flush(at)[0]!.totals).toEqual(restoredTotals);
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
