import { MAX_GROUP_MEMBERS_LIMIT, ROUTER_RECENT_ACTIONS, routerStateKey, routerStateSchema, type RoutedAlert, type RoutedGroup } from '@alertlark/contracts';
import { InternPool } from './intern-pool';
import { DEFAULT_MAX_GROUP_MEMBERS, PartitionState } from './partition-state';
import { ROUTER_FETCH_BYTES } from './restore-partitions';

const alert = (fingerprint: string, overrides: Partial<RoutedAlert> = {}): RoutedAlert => ({
  kind: 'alert',
  teamId: 't',
  fingerprint,
  status: 'firing',
  labels: [],
  annotations: [],
  startsAt: '2026-11-24T10:00:00.000Z',
  endsAt: null,
  source: 'alertmanager',
  lastEventId: 'e',
  lastReceivedAt: '2026-11-24T10:00:00.000Z',
  offset: 1,
  groupKeys: ['p:{}'],
  ...overrides,
});
const FP = 'aaaaaaaaaaaaaaaa';
const group = { kind: 'group' as const, groupKey: 'p:{}', teamId: 't', policyId: 'p', groupLabels: [], incarnation: 'i', flushAt: 5, lastFlushAt: null, notificationSeq: 0, lastNotification: null, incidentSeq: 0, incident: null, recentActions: [] };

describe('PartitionState', () => {
  it('restores from its own changelog records to the same state, tombstones included', () => {
    const live = new PartitionState(3);
    live.putAlert(alert(FP));
    live.putAlert(alert('bbbbbbbbbbbbbbbb'));
    live.putGroup(group);
    live.putMember({ kind: 'member', groupKey: 'p:{}', fingerprint: FP, status: 'firing', eventId: 'e' });
    live.removeAlert('t', 'bbbbbbbbbbbbbbbb');
    const restored = new PartitionState(3);
    for (const record of live.takeChanges().records) expect(restored.restore(record.key, record.value)).toBe(true);
    restored.dropOrphans();
    expect(restored.counts()).toEqual({ alerts: 1, groups: 1, members: 1 });
    expect(restored.group('p:{}')).toEqual(group);
    expect(restored.alert('t', FP)).toEqual(alert(FP));
  });

  it('refuses a record under a key of the wrong shape, and drops members whose group never came', () => {
    const state = new PartitionState(0);
    expect(state.restore('x|nonsense', null)).toBe(false);
    expect(state.restore(routerStateKey.group('p:{}'), alert(FP))).toBe(false);
    state.restore(routerStateKey.member('q:{}', FP), { kind: 'member', groupKey: 'q:{}', fingerprint: FP, status: 'firing', eventId: 'e' });
    state.dropOrphans();
    expect(state.counts().members).toBe(0);
  });

  it('sweeps alerts that stopped firing, are in no group and have been quiet, with a tombstone each', () => {
    const state = new PartitionState(0);
    const now = Date.parse('2026-11-24T11:00:00Z');
    state.putAlert(alert('cccccccccccccccc', { status: 'resolved' }));
    state.putAlert(alert(FP, { status: 'resolved' }));
    state.putMember({ kind: 'member', groupKey: 'p:{}', fingerprint: FP, status: 'resolved', eventId: 'e' });
    state.putAlert(alert('dddddddddddddddd'));
    state.takeChanges();
    expect(state.sweep(now, (candidate) => candidate.status === 'firing', 60_000)).toBe(1);
    expect(state.takeChanges().records).toEqual([{ key: routerStateKey.alert('t', 'cccccccccccccccc'), value: null }]);
  });

  it('holds alerts sharing their pairs, annotations and group keys, and leaves the given records alone', () => {
    const state = new PartitionState(0, DEFAULT_MAX_GROUP_MEMBERS, new InternPool());
    const labels = (instance: string) => [
      { name: 'alertname', value: 'Down' },
      { name: 'instance', value: instance },
    ];
    const annotations = () => [{ name: 'summary', value: 'a host is down' }];
    const given = alert(FP, { labels: labels('a'), annotations: annotations(), generatorURL: 'http://prometheus/graph' });
    const copy = structuredClone(given);
    state.putAlert(given);
    state.putAlert(alert('bbbbbbbbbbbbbbbb', { labels: labels('b'), annotations: annotations(), groupKeys: ['p:{}'] }));
    expect(given).toEqual(copy);
    const first = state.alert('t', FP)!;
    const second = state.alert('t', 'bbbbbbbbbbbbbbbb')!;
    expect(first).toEqual(given);
    expect(Object.keys(first).sort()).toEqual(Object.keys(given).sort());
    expect(second).not.toHaveProperty('generatorURL');
    expect(second.labels[0]).toBe(first.labels[0]);
    expect(second.labels[1]).not.toBe(first.labels[1]);
    expect(Object.isFrozen(first.labels[0])).toBe(true);
    expect(second.annotations).toBe(first.annotations);
    expect(second.groupKeys).toBe(first.groupKeys);
    expect(() => (second.groupKeys as string[]).push('q:{}')).toThrow(TypeError);
    // The changelog carries the record held.
    const records = state.takeChanges().records;
    expect(records.map((record) => record.value)).toEqual([first, second]);
    expect(records[0]!.value).toBe(first);
  });

  it('restores alerts of teams whose id has a slash, tombstones included, with their members', () => {
    const live = new PartitionState(0);
    live.putAlert(alert(FP, { teamId: 'a/b' }));
    live.putAlert(alert('bbbbbbbbbbbbbbbb', { teamId: 'a/b' }));
    live.putMember({ kind: 'member', groupKey: 'p:{}', fingerprint: FP, status: 'firing', eventId: 'e' });
    live.putGroup({ ...group, teamId: 'a/b' });
    live.takeChanges();
    live.removeAlert('a/b', 'bbbbbbbbbbbbbbbb');
    const restored = new PartitionState(0);
    restored.restore(routerStateKey.member('p:{}', FP), { kind: 'member', groupKey: 'p:{}', fingerprint: FP, status: 'firing', eventId: 'e' });
    restored.restore(routerStateKey.alert('a/b', FP), alert(FP, { teamId: 'a/b' }));
    restored.restore(routerStateKey.alert('a/b', 'bbbbbbbbbbbbbbbb'), alert('bbbbbbbbbbbbbbbb', { teamId: 'a/b' }));
    restored.restore(routerStateKey.group('p:{}'), { ...group, teamId: 'a/b' });
    for (const record of live.takeChanges().records) restored.restore(record.key, record.value);
    restored.dropOrphans();
    expect(restored.counts()).toEqual({ alerts: 1, groups: 1, members: 1 });
    expect([...restored.alertsOfTeam('a/b')]).toEqual([alert(FP, { teamId: 'a/b' })]);
    expect([...restored.membersOf('p:{}')]).toEqual([[FP, { kind: 'member', groupKey: 'p:{}', fingerprint: FP, status: 'firing', eventId: 'e' }]]);
    expect([...restored.teamIds()]).toEqual(['a/b']);
  });

  it('lists the alerts of a team, and a team no more once its last alert is gone', () => {
    const state = new PartitionState(0);
    state.putAlert(alert(FP));
    state.putAlert(alert('bbbbbbbbbbbbbbbb', { teamId: 'other' }));
    state.putAlert(alert('cccccccccccccccc'));
    const version = state.teamVersion('t');
    expect([...state.alertsOfTeam('t')].map((held) => held.fingerprint)).toEqual([FP, 'cccccccccccccccc']);
    expect([...state.teamIds()]).toEqual(['t', 'other']);
    state.removeAlert('t', FP);
    state.removeAlert('t', 'cccccccccccccccc');
    expect(state.teamVersion('t')).toBe(version + 2);
    expect([...state.alertsOfTeam('t')]).toEqual([]);
    expect([...state.teamIds()]).toEqual(['other']);
    expect(state.counts().alerts).toBe(1);
  });

  it('purges a deleted team: alerts, groups and members', () => {
    const state = new PartitionState(0);
    state.putAlert(alert(FP));
    state.putGroup(group);
    state.putMember({ kind: 'member', groupKey: 'p:{}', fingerprint: FP, status: 'firing', eventId: 'e' });
    state.putAlert(alert(FP, { teamId: 'other' }));
    state.takeChanges();
    state.purgeTeam('t');
    expect(state.counts()).toEqual({ alerts: 1, groups: 0, members: 0 });
    expect(state.takeChanges().records.every((record) => record.value === null)).toBe(true);
  });

  describe('alerts counted beyond a full group', () => {
    const beyond = (fingerprint: string, overrides: Partial<RoutedAlert> = {}) => alert(fingerprint, { beyondCap: ['p:{}'], ...overrides });

    it('indexes them from their records, live and restored, and forgets them with their record', () => {
      const live = new PartitionState(0, 1);
      live.putGroup(group);
      live.putAlert(beyond(FP));
      live.putAlert(beyond('bbbbbbbbbbbbbbbb'));
      live.leaveBeyondCap(live.alert('t', 'bbbbbbbbbbbbbbbb')!, 'p:{}');
      expect([...live.beyondCapOf('p:{}')]).toEqual([FP]);
      const restored = new PartitionState(0, 1);
      for (const record of live.takeChanges().records) restored.restore(record.key, record.value);
      restored.dropOrphans();
      expect([...restored.beyondCapOf('p:{}')]).toEqual([FP]);
      restored.restore(routerStateKey.alert('t', FP), null);
      expect(restored.beyondCapOf('p:{}').size).toBe(0);
    });

    it('drops what a restore brings for a group that never came', () => {
      const restored = new PartitionState(0, 1);
      restored.restore(routerStateKey.alert('t', FP), beyond(FP));
      restored.dropOrphans();
      expect(restored.beyondCapOf('p:{}').size).toBe(0);
    });

    it('the sweep keeps a resolved one the group still counts', () => {
      const state = new PartitionState(0, 1);
      state.putGroup(group);
      state.putAlert(beyond(FP, { status: 'resolved' }));
      state.putAlert(alert('bbbbbbbbbbbbbbbb', { status: 'resolved' }));
      expect(state.sweep(Date.parse('2026-11-24T11:00:00Z'), (candidate) => candidate.status === 'firing', 60_000)).toBe(1);
      expect(state.alert('t', FP)).toBeDefined();
    });

    it('a dropped group rewrites the alerts it counted without it', () => {
      const state = new PartitionState(0, 1);
      state.putGroup(group);
      state.putAlert(beyond(FP));
      state.takeChanges();
      state.removeGroup('p:{}');
      expect(state.takeChanges().records).toContainEqual({ key: routerStateKey.alert('t', FP), value: alert(FP) });
      expect(state.beyondCapOf('p:{}').size).toBe(0);
    });

    it('a group record holding the most members allowed is still a record the restore fetches whole', () => {
      const fingerprints = (from: number) => Array.from({ length: MAX_GROUP_MEMBERS_LIMIT }, (_, i) => (from + i).toString(16).padStart(16, 'f'));
      const actor = { name: 'x'.repeat(64), verified: false };
      const full: RoutedGroup = {
        ...group,
        groupKey: `p:{"label"="${'v'.repeat(100)}"}`,
        lastNotification: { at: 1, firing: [...fingerprints(0), ...fingerprints(MAX_GROUP_MEMBERS_LIMIT)], resolved: [], beyondFiring: 1_000_000 },
        incident: { id: 'inc', openedAt: 1, state: 'resolved', claimedBy: actor, claimedAt: 1, resolvedBy: actor, resolvedAt: 1, quieted: fingerprints(0), silence: null, escalation: { since: 1, fired: [] } },
        recentActions: Array.from({ length: ROUTER_RECENT_ACTIONS }, (_, i) => ({ id: `a${i}`.padEnd(64, '0'), outcome: 'refused' as const, reason: 'r'.repeat(200) })),
      };
      const bytes = Buffer.byteLength(JSON.stringify(routerStateSchema.parse(full)));
      expect(bytes).toBeGreaterThan(1_000_000);
      expect(bytes).toBeLessThan(ROUTER_FETCH_BYTES);
    });
  });
});
