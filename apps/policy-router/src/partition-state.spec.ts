import { routerStateKey, type RoutedAlert } from '@alertlark/contracts';
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
const group = { kind: 'group' as const, groupKey: 'p:{}', teamId: 't', policyId: 'p', groupLabels: [], incarnation: 'i', flushAt: 5, lastFlushAt: null, notificationSeq: 0, lastNotification: null };

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
