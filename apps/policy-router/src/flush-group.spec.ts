import { MAX_ALERTS_PER_NOTIFICATION, MAX_NOTIFICATION_ALERT_BYTES, notificationEventSchema, routerStateKey, type NotificationPolicyConfig, type RoutedAlert } from '@alertlark/contracts';
import { compileInhibitionRule, compilePolicy, compileSilence, type CompiledInhibitionRule, type CompiledSilence } from '@alertlark/routing';
import type { DueEscalation } from './escalation';
import { escalationNotifications, flushGroup as flushGroupUnchecked, InhibitionIndexes, type FlushCatalog } from './flush-group';

/**
 * Every notification a flush makes satisfies its contract: the router publishes them without
 * parsing them again (`valid: true`), and these specs are what proves it, in every case below.
 */
function flushGroup(...args: Parameters<typeof flushGroupUnchecked>): ReturnType<typeof flushGroupUnchecked> {
  const outcome = flushGroupUnchecked(...args);
  for (const notification of outcome.notifications) notificationEventSchema.parse(notification);
  return outcome;
}
import { PartitionState } from './partition-state';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const GROUP = 'p1:{"alertname"="Disk"}';

const policy = (overrides: Partial<NotificationPolicyConfig> = {}) =>
  compilePolicy({ id: 'p1', teamId: 't', name: 'p1', matchers: [], objectIds: ['o1', 'o2'], groupBy: ['alertname'], groupWait: '30s', groupInterval: '1m', repeatInterval: '4h', sendResolved: true, enabled: true, ...overrides } as NotificationPolicyConfig);

function catalog(options: { policy?: ReturnType<typeof policy> | undefined; silences?: CompiledSilence[]; rules?: CompiledInhibitionRule[] } = {}): FlushCatalog {
  const found = 'policy' in options ? options.policy : policy();
  return { policy: () => found, silencesOf: () => options.silences ?? [], inhibitionRulesOf: () => options.rules ?? [] };
}

const fp = (i: number) => i.toString(16).padStart(16, '0');

function alert(i: number, labels: Record<string, string> = {}, overrides: Partial<RoutedAlert> = {}): RoutedAlert {
  return {
    kind: 'alert',
    teamId: 't',
    fingerprint: fp(i),
    status: 'firing',
    labels: Object.entries({ alertname: 'Disk', instance: `web-${i}`, ...labels }).map(([name, value]) => ({ name, value })),
    annotations: [],
    startsAt: new Date(T0 - 60_000).toISOString(),
    endsAt: null,
    source: 'alertmanager',
    lastEventId: `e${i}`,
    lastReceivedAt: new Date(T0).toISOString(),
    offset: i,
    groupKeys: [GROUP],
    generatorURL: `http://prometheus:9090/graph?g0.expr=up%7Binstance%3D%22web-${i}%22%7D`,
    ...overrides,
  };
}

function groupOf(state: PartitionState, alerts: RoutedAlert[], flushAt = T0): void {
  state.putGroup({ kind: 'group', groupKey: GROUP, teamId: 't', policyId: 'p1', groupLabels: [{ name: 'alertname', value: 'Disk' }], incarnation: 'inc', flushAt, lastFlushAt: null, notificationSeq: 0, lastNotification: null, incidentSeq: 0, incident: null, recentActions: [] });
  for (const entry of alerts) {
    state.putAlert(entry);
    state.putMember({ kind: 'member', groupKey: GROUP, fingerprint: entry.fingerprint, status: entry.status, eventId: entry.lastEventId });
  }
  state.takeChanges();
}

describe('flushGroup', () => {
  it('sends one notification per chatbot with deterministic ids, then ticks every group interval', () => {
    const state = new PartitionState(0);
    groupOf(state, [alert(1), alert(2)]);
    const first = flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0);
    expect(first.outcome).toBe('sent');
    expect(first.notifications.map((notification) => notification.objectId)).toEqual(['o1', 'o2']);
    expect(first.notifications[0]).toMatchObject({ status: 'firing', totals: { firing: 2, resolved: 0 }, groupKey: GROUP });
    expect(first.flushAt).toBe(T0 + 60_000);
    // The same state flushed again (a replay after a crash) gives the same ids.
    const again = new PartitionState(0);
    groupOf(again, [alert(1), alert(2)]);
    expect(flushGroup(again, GROUP, catalog(), new InhibitionIndexes(), T0).notifications.map((notification) => notification.notificationId)).toEqual(first.notifications.map((notification) => notification.notificationId));
    const { records, history } = state.takeChanges();
    expect(records).toEqual([{ key: routerStateKey.group(GROUP), value: expect.objectContaining({ notificationSeq: 1, flushAt: T0 + 60_000, lastFlushAt: T0 }) }]);
    expect(history.map((entry) => [entry.kind, entry.fingerprint])).toEqual([
      ['notified', fp(1)],
      ['notified', fp(2)],
    ]);
  });

  it('a quiet tick moves the timer in memory only', () => {
    const state = new PartitionState(0);
    groupOf(state, [alert(1)]);
    flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0);
    state.takeChanges();
    const quiet = flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0 + 60_000);
    expect(quiet).toMatchObject({ outcome: 'quiet', notifications: [], flushAt: T0 + 120_000 });
    expect(state.group(GROUP)?.flushAt).toBe(T0 + 120_000);
    expect(state.takeChanges().records).toEqual([]);
  });

  it('announces a resolve, lets the resolved alert go, and drops the emptied group with tombstones', () => {
    const state = new PartitionState(0);
    groupOf(state, [alert(1)]);
    flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0);
    state.putAlert(alert(1, {}, { status: 'resolved', endsAt: T0 + 10_000 }));
    state.takeChanges();
    const resolved = flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0 + 60_000);
    expect(resolved.notifications[0]).toMatchObject({ status: 'resolved', totals: { firing: 0, resolved: 1 } });
    expect(resolved.flushAt).toBeNull();
    expect(state.group(GROUP)).toBeUndefined();
    expect(state.takeChanges().records).toEqual(
      expect.arrayContaining([
        { key: routerStateKey.group(GROUP), value: null },
        { key: routerStateKey.member(GROUP, fp(1)), value: null },
      ]),
    );
  });

  it('a firing alert whose endsAt passed counts as resolved (resolve timeout)', () => {
    const state = new PartitionState(0);
    groupOf(state, [alert(1, {}, { endsAt: T0 + 30_000 })]);
    flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0);
    expect(flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0 + 60_000).notifications[0]?.status).toBe('resolved');
  });

  it('silenced and inhibited alerts are left out', () => {
    const state = new PartitionState(0);
    const source = alert(9, { alertname: 'NodeDown', instance: 'web-2', severity: 'critical' }, { groupKeys: [] });
    state.putAlert(source);
    groupOf(state, [alert(1, { severity: 'warning' }), alert(2, { severity: 'warning' }), alert(3, { severity: 'warning' })]);
    const silences = [compileSilence({ id: 's', teamId: 't', matchers: ['instance="web-1"'], startsAt: new Date(T0 - 1).toISOString(), endsAt: new Date(T0 + 3_600_000).toISOString(), comment: 'c', createdBy: 'me' })];
    const rules = [compileInhibitionRule({ id: 'r', teamId: 't', name: 'r', sourceMatchers: ['alertname="NodeDown"'], targetMatchers: ['severity="warning"'], equal: ['instance'] })];
    const outcome = flushGroup(state, GROUP, catalog({ silences, rules }), new InhibitionIndexes(), T0);
    expect(outcome.notifications[0]?.alerts.map((entry) => entry.fingerprint)).toEqual([fp(3)]);
  });

  it('drops the group of a deleted or disabled policy without notifying', () => {
    const state = new PartitionState(0);
    groupOf(state, [alert(1)]);
    expect(flushGroup(state, GROUP, catalog({ policy: policy({ enabled: false }) }), new InhibitionIndexes(), T0)).toMatchObject({ outcome: 'dropped', notifications: [] });
    expect(state.group(GROUP)).toBeUndefined();
    groupOf(state, [alert(1)]);
    expect(flushGroup(state, GROUP, catalog({ policy: undefined }), new InhibitionIndexes(), T0).outcome).toBe('dropped');
  });

  it('a large group carries at most the cap of alerts but counts them all', () => {
    const state = new PartitionState(0);
    groupOf(state, Array.from({ length: MAX_ALERTS_PER_NOTIFICATION + 20 }, (_, i) => alert(i + 1)));
    const [notification] = flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0).notifications;
    expect(notification?.alerts).toHaveLength(MAX_ALERTS_PER_NOTIFICATION);
    expect(notification?.totals).toEqual({ firing: MAX_ALERTS_PER_NOTIFICATION + 20, resolved: 0 });
  });

  it('a large group carries the alerts its card lists first: firing, then the most severe, then the oldest members', () => {
    const state = new PartitionState(0);
    const total = MAX_ALERTS_PER_NOTIFICATION + 50;
    // The last members to join are the critical ones; a resolved critical one must not push out a firing one.
    const alerts = Array.from({ length: total }, (_, i) => alert(i + 1, { severity: i >= total - 10 ? 'critical' : 'warning' }));
    alerts[total - 1] = alert(total, { severity: 'critical' }, { status: 'resolved', endsAt: T0 - 1 });
    groupOf(state, alerts);
    const [notification] = flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0).notifications;
    const carried = notification!.alerts.map((entry) => entry.fingerprint);
    expect(carried.slice(0, 9)).toEqual(Array.from({ length: 9 }, (_, i) => fp(total - 9 + i)));
    expect(carried.slice(9)).toEqual(Array.from({ length: MAX_ALERTS_PER_NOTIFICATION - 9 }, (_, i) => fp(i + 1)));
    expect(notification?.totals).toEqual({ firing: total - 1, resolved: 1 });
  });

  it('a group of alerts with huge annotations carries the most important that fit in the byte cap, never a message Kafka refuses', () => {
    const state = new PartitionState(0);
    // 150 alerts of ~40 KB each (6 MB): the 10 critical ones joined last, and must be kept.
    const huge = [{ name: 'description', value: 'x'.repeat(40_000) }];
    groupOf(state, Array.from({ length: 150 }, (_, i) => alert(i + 1, { severity: i >= 140 ? 'critical' : 'warning' }, { annotations: huge })));
    const [notification] = flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0).notifications;
    const bytes = Buffer.byteLength(JSON.stringify(notification!.alerts));
    expect(bytes).toBeLessThanOrEqual(MAX_NOTIFICATION_ALERT_BYTES);
    expect(notification!.alerts.length).toBeGreaterThan(20);
    expect(notification!.alerts.length).toBeLessThan(30);
    expect(notification!.alerts.slice(0, 10).map((entry) => entry.fingerprint)).toEqual(Array.from({ length: 10 }, (_, i) => fp(141 + i)));
    expect(notification?.totals).toEqual({ firing: 150, resolved: 0 });
  });

  it('records history only for what a notification newly tells (no O(n²) history for a growing group)', () => {
    const state = new PartitionState(0);
    groupOf(state, [alert(1)]);
    flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0);
    state.takeChanges();
    state.putAlert(alert(2));
    state.putMember({ kind: 'member', groupKey: GROUP, fingerprint: fp(2), status: 'firing', eventId: 'e2' });
    flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0 + 60_000);
    expect(state.takeChanges().history.map((entry) => entry.fingerprint)).toEqual([fp(2)]);
  });

  describe('a group past its cap (3 members here)', () => {
    /** Members 1–3, and alerts 4…n counted beyond them on their own records. */
    function fullGroup(n: number, overrides: (i: number) => Partial<RoutedAlert> = () => ({})): PartitionState {
      const state = new PartitionState(0, 3);
      groupOf(state, [1, 2, 3].map((i) => alert(i, {}, overrides(i))));
      for (let i = 4; i <= n; i++) state.putAlert(alert(i, {}, { ...overrides(i), beyondCap: [GROUP] }));
      state.takeChanges();
      return state;
    }

    it('counts an alert beyond the cap whose endsAt passed as resolved, then lets it go', () => {
      const state = fullGroup(6, (i) => ({ source: 'prometheus', endsAt: i === 5 ? T0 - 1 : T0 + 60 * 60_000 }));
      expect(flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0).notifications[0]!.totals).toEqual({ firing: 5, resolved: 1 });
      expect([...state.beyondCapOf(GROUP)]).toEqual([fp(4), fp(6)]);
      expect(state.takeChanges().records).toContainEqual({ key: routerStateKey.alert('t', fp(5)), value: expect.not.objectContaining({ beyondCap: expect.anything() }) });
    });

    it('leaves silenced alerts beyond the cap out of the totals', () => {
      const silences = [compileSilence({ id: 's', teamId: 't', matchers: ['instance="web-5"'], startsAt: new Date(T0 - 60_000).toISOString(), endsAt: new Date(T0 + 60_000).toISOString(), createdBy: 'x', comment: '' })];
      expect(flushGroup(fullGroup(6), GROUP, catalog({ silences }), new InhibitionIndexes(), T0).notifications[0]!.totals).toEqual({ firing: 5, resolved: 0 });
    });

    it('without sendResolved, counts none resolved beyond the cap on the card', () => {
      const state = fullGroup(6, (i) => (i === 6 ? { status: 'resolved' } : {}));
      expect(flushGroup(state, GROUP, catalog({ policy: policy({ sendResolved: false }) }), new InhibitionIndexes(), T0).notifications[0]!.totals).toEqual({ firing: 5, resolved: 0 });
    });

    it('gives the places of released members to firing alerts beyond the cap, listed as told, so the next tick is quiet', () => {
      const state = fullGroup(6, (i) => (i === 1 ? { status: 'resolved' } : {}));
      const first = flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0);
      expect(first.notifications[0]!.totals).toEqual({ firing: 5, resolved: 1 });
      expect(state.membersOf(GROUP).size).toBe(3);
      expect(state.beyondCapOf(GROUP).size).toBe(2);
      const promoted = [...state.membersOf(GROUP).keys()].find((fingerprint) => ![fp(2), fp(3)].includes(fingerprint))!;
      expect(state.group(GROUP)?.lastNotification).toEqual({ at: T0, firing: [fp(2), fp(3), promoted], resolved: [fp(1)], beyondFiring: 2 });
      expect(flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0 + 60_000).outcome).toBe('quiet');
    });

    it('keeps a group whose members all left while alerts beyond the cap fire; drops it once they resolved too', () => {
      const state = fullGroup(4, (i) => (i <= 3 ? { status: 'resolved' } : {}));
      expect(flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0).flushAt).toBe(T0 + 60_000);
      expect([...state.membersOf(GROUP).keys()]).toEqual([fp(4)]);
      state.putAlert({ ...state.alert('t', fp(4))!, status: 'resolved' });
      expect(flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0 + 60_000).flushAt).toBeNull();
      expect(state.group(GROUP)).toBeUndefined();
    });

    it('counts the alerts beyond the cap in an escalation card', () => {
      const state = fullGroup(8);
      const incident = { id: 'inc', openedAt: T0, state: 'open' as const, claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, quieted: [], silence: null, escalation: { since: T0, fired: [] } };
      const due: DueEscalation = { index: 0, firing: 1, heldFor: '1m', step: { afterMs: 60_000, when: 'unclaimed', objectIds: ['o3'], mentions: [], repeatTimes: 0, everyMs: 0, after: '1m', every: undefined } };
      const [card] = escalationNotifications(state, state.group(GROUP)!, incident, due, T0);
      expect(card!.totals).toEqual({ firing: 8, resolved: 0 });
      expect(card!.alerts).toHaveLength(3);
    });
  });

  it('is not due before its timer', () => {
    const state = new PartitionState(0);
    groupOf(state, [alert(1)], T0 + 1);
    expect(flushGroup(state, GROUP, catalog(), new InhibitionIndexes(), T0)).toMatchObject({ outcome: 'not-due', flushAt: T0 + 1 });
  });
});
