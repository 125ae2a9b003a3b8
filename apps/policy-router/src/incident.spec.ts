import { actionDecidedSchema, type ActionRequested, type Actor, type RoutedGroup } from '@alertlark/contracts';
import { decideAction, decidedEvent, incidentAtFlush } from './incident';

const T0 = Date.parse('2026-12-06T10:00:00Z');
const alice: Actor = { name: 'Alice', verified: false };
const bob: Actor = { name: 'Bob', verified: false };

const group = (overrides: Partial<RoutedGroup> = {}): RoutedGroup => ({
  kind: 'group',
  groupKey: 'p1:{"alertname"="HighCPU"}',
  teamId: 't1',
  policyId: 'p1',
  groupLabels: [{ name: 'alertname', value: 'HighCPU' }],
  incarnation: 'inc-1',
  flushAt: null,
  lastFlushAt: null,
  notificationSeq: 1,
  lastNotification: null,
  incidentSeq: 0,
  incident: null,
  recentActions: [],
  ...overrides,
});

const request = (action: ActionRequested['action'], actor: Actor = alice, overrides: Partial<ActionRequested> = {}): ActionRequested => ({
  type: 'action.requested',
  actionId: `a-${action}-${actor.name}`,
  teamId: 't1',
  groupId: 'grp_1',
  action,
  actor,
  source: 'link',
  requestedAt: new Date(T0).toISOString(),
  ...overrides,
});

/** A group with an incident opened at T0, then the given actions applied in order. */
function after(...requests: ActionRequested[]): RoutedGroup {
  let current = group();
  current = { ...current, ...incidentAtFlush(current, ['fp-a', 'fp-b'], T0) };
  for (const [i, next] of requests.entries()) {
    const decision = decideAction(current, next, ['fp-a', 'fp-b'], T0 + 1_000 * (i + 1));
    if (decision.outcome === 'applied') current = { ...current, incident: decision.incident };
  }
  return current;
}

describe('incidentAtFlush', () => {
  it('opens an incident when an alert a card would show fires, with an id the same flush replayed makes again', () => {
    const first = incidentAtFlush(group(), ['fp-a'], T0);
    expect(first.incident).toMatchObject({ state: 'open', openedAt: T0, claimedBy: null, resolvedBy: null });
    expect(first.incident!.id).toMatch(/^inc_[0-9a-f]{24}$/);
    expect(first.incidentSeq).toBe(1);
    expect(first.quiet).toBe(false);
    expect(incidentAtFlush(group(), ['fp-a'], T0 + 5_000).incident!.id).toBe(first.incident!.id);
    expect(incidentAtFlush(group({ incarnation: 'inc-2' }), ['fp-a'], T0).incident!.id).not.toBe(first.incident!.id);
  });

  it('opens none while nothing shown fires, and keeps the incident under way', () => {
    expect(incidentAtFlush(group(), [], T0)).toEqual({ incident: null, incidentSeq: 0, quiet: false });
    const opened = after();
    expect(incidentAtFlush(opened, ['fp-a', 'fp-c'], T0 + 60_000)).toEqual({ incident: opened.incident, incidentSeq: 1, quiet: false });
  });

  it('keeps a flush quiet after a resolve while only the alerts firing then still fire; another alert firing opens a new incident', () => {
    const resolved = after(request('resolve'));
    expect(incidentAtFlush(resolved, ['fp-a'], T0 + 60_000)).toEqual({ incident: resolved.incident, incidentSeq: 1, quiet: true });
    expect(incidentAtFlush(resolved, [], T0 + 60_000).quiet).toBe(true);
    const reopened = incidentAtFlush(resolved, ['fp-a', 'fp-new'], T0 + 60_000);
    expect(reopened.quiet).toBe(false);
    expect(reopened.incidentSeq).toBe(2);
    expect(reopened.incident).toMatchObject({ state: 'open', openedAt: T0 + 60_000 });
    expect(reopened.incident!.id).not.toBe(resolved.incident!.id);
  });
});

describe('decideAction', () => {
  it('claims an open incident for the actor', () => {
    expect(after(request('claim')).incident).toMatchObject({ state: 'claimed', claimedBy: alice, claimedAt: T0 + 1_000 });
  });

  it('of two claims the first wins, and the second is told who has it; the same person claiming again changes nothing', () => {
    const claimed = after(request('claim'));
    expect(decideAction(claimed, request('claim', bob), [], T0 + 5_000)).toEqual({ outcome: 'refused', reason: 'already claimed by Alice' });
    expect(decideAction(claimed, request('claim'), [], T0 + 5_000)).toEqual({ outcome: 'applied', incident: claimed.incident });
  });

  it('tells Lark users apart by open_id, not by name', () => {
    const ann1: Actor = { name: 'Ann', verified: true, openId: 'ou_1' };
    const ann2: Actor = { name: 'Ann', verified: true, openId: 'ou_2' };
    const claimed = after(request('claim', ann1));
    expect(decideAction(claimed, request('claim', ann2), [], T0).outcome).toBe('refused');
  });

  it('unclaims a claimed incident, and refuses to unclaim one nobody has', () => {
    // Escalation starts again from its first step, its clock at the unclaim.
    expect(after(request('claim'), request('unclaim', bob)).incident).toMatchObject({ state: 'open', claimedBy: null, claimedAt: null, escalation: { since: T0 + 2_000, fired: [] } });
    expect(decideAction(after(), request('unclaim'), [], T0)).toEqual({ outcome: 'refused', reason: 'nobody has claimed it' });
  });

  it('resolves, quieting the alerts firing then; a later claim or resolve is refused naming who resolved it', () => {
    const resolved = after(request('claim'), request('resolve', bob));
    expect(resolved.incident).toMatchObject({ state: 'resolved', resolvedBy: bob, resolvedAt: T0 + 2_000, quieted: ['fp-a', 'fp-b'], claimedBy: alice });
    expect(decideAction(resolved, request('claim'), [], T0)).toEqual({ outcome: 'refused', reason: 'already resolved by Bob' });
    expect(decideAction(resolved, request('resolve'), [], T0)).toEqual({ outcome: 'refused', reason: 'already resolved by Bob' });
  });

  it('records a silence made from the chat, and refuses one that came without a silence', () => {
    const silence = { id: 'sil_1', endsAt: '2026-12-06T14:00:00.000Z' };
    expect(after(request('silence', bob, { silence })).incident!.silence).toEqual({ ...silence, by: bob });
    expect(decideAction(after(), request('silence'), [], T0)).toEqual({ outcome: 'refused', reason: 'no silence came with the request' });
  });

  it('refuses an action on a group that is gone or has no incident, or on an incident that is over', () => {
    expect(decideAction(undefined, request('claim'), [], T0)).toEqual({ outcome: 'refused', reason: 'nothing fires in this alert group any more' });
    expect(decideAction(group(), request('claim'), [], T0).outcome).toBe('refused');
    const opened = after();
    expect(decideAction(opened, request('claim', alice, { incidentId: 'inc_older' }), [], T0)).toEqual({ outcome: 'refused', reason: 'this incident is over; a newer one is under way' });
    expect(decideAction(opened, request('claim', alice, { incidentId: opened.incident!.id }), [], T0).outcome).toBe('applied');
  });
});

describe('decidedEvent', () => {
  it('records the decision with the incident as it is after it, without the quieted fingerprints, and passes its contract', () => {
    const resolved = after(request('resolve'));
    const refused = decidedEvent(request('claim', bob), resolved, decideAction(resolved, request('claim', bob), [], T0), T0);
    expect(actionDecidedSchema.parse(refused)).toEqual(refused);
    expect(refused).toMatchObject({ outcome: 'refused', reason: 'already resolved by Alice', action: 'claim', actor: bob, group: { groupKey: resolved.groupKey, policyId: 'p1' } });
    expect(refused.incident).not.toHaveProperty('quieted');
    expect(refused.incident).toMatchObject({ state: 'resolved', resolvedBy: alice });
    const missing = decidedEvent(request('claim'), undefined, decideAction(undefined, request('claim'), [], T0), T0);
    expect(missing).toMatchObject({ outcome: 'refused', incident: null });
    expect(missing).not.toHaveProperty('group');
  });
});
