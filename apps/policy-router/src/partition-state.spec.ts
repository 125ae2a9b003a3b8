import { routerStateKey, type RoutedAlert } from '@alertlark/contracts';
import { InternPool } from './intern-pool';
import { PartitionState } from './partition-state';

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
    const state = new PartitionState(0, new InternPool());
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
});
