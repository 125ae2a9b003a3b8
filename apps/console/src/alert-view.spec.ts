import type { AlertState } from '@alertlark/persistence';
import { alertHistoryView, alertView } from './alert-view';

const state: AlertState = {
  _id: 'team_1/abc',
  teamId: 'team_1',
  fingerprint: 'abc',
  status: 'firing',
  labels: [
    { name: 'alertname', value: 'HighCPU' },
    { name: 'k8s.namespace', value: 'payments' },
  ],
  annotations: [{ name: 'summary', value: 'CPU above 90%' }],
  startsAt: new Date('2026-01-01T10:00:00Z'),
  endsAt: new Date('2026-01-01T10:05:00Z'),
  source: 'prometheus',
  lastEventId: 'evt_1',
  lastReceivedAt: new Date('2026-01-01T10:01:00Z'),
  groupKeys: [],
};

describe('alertView', () => {
  it('answers labels and annotations as plain objects, dotted names included', () => {
    const view = alertView(state, new Date('2026-01-01T10:02:00Z'));
    expect(view).toEqual({
      fingerprint: 'abc',
      state: 'firing',
      labels: { alertname: 'HighCPU', 'k8s.namespace': 'payments' },
      annotations: { summary: 'CPU above 90%' },
      startsAt: '2026-01-01T10:00:00.000Z',
      endsAt: '2026-01-01T10:05:00.000Z',
      generatorURL: null,
      lastReceivedAt: '2026-01-01T10:01:00.000Z',
    });
  });

  it('shows a firing alert whose endsAt has passed as resolved', () => {
    expect(alertView(state, new Date('2026-01-01T10:05:00Z')).state).toBe('resolved');
  });

  it('keeps a label named __proto__ as a label', () => {
    const view = alertView({ ...state, labels: [{ name: '__proto__', value: 'x' }] }, new Date());
    expect(Object.keys(view.labels)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(view.labels))).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it('answers a missing endsAt and a generator URL', () => {
    const view = alertView({ ...state, endsAt: null, generatorURL: 'http://prom/graph' }, new Date('2030-01-01T00:00:00Z'));
    expect(view).toMatchObject({ state: 'firing', endsAt: null, generatorURL: 'http://prom/graph' });
  });
});

describe('alertHistoryView', () => {
  it('leaves out what an entry does not have', () => {
    expect(alertHistoryView({ _id: 'e1', teamId: 't', fingerprint: 'abc', at: new Date('2026-01-01T10:00:00Z'), kind: 'firing' })).toEqual({
      at: '2026-01-01T10:00:00.000Z',
      kind: 'firing',
    });
  });

  it('keeps what a notification entry has', () => {
    const entry = { _id: 'n1', teamId: 't', fingerprint: 'abc', at: new Date(0), kind: 'notified' as const, policyId: 'npol_1', groupKey: 'g', objectIds: ['nobj_1'], detail: 'firing' };
    expect(alertHistoryView(entry)).toEqual({ at: '1970-01-01T00:00:00.000Z', kind: 'notified', policyId: 'npol_1', groupKey: 'g', objectIds: ['nobj_1'], detail: 'firing' });
  });
});
