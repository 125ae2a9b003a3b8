import type { Incident } from '@alertlark/contracts';
import type { CompiledEscalationStep } from '@alertlark/routing';
import { formatDuration, nextEscalationAt, takeDueEscalations } from './escalation';

const T0 = Date.parse('2026-12-06T10:00:00Z');
const MIN = 60_000;

const step = (overrides: Partial<CompiledEscalationStep> = {}): CompiledEscalationStep => ({
  afterMs: 10 * MIN,
  when: 'unclaimed',
  objectIds: ['nobj_oncall'],
  mentions: ['all'],
  repeatTimes: 0,
  everyMs: 0,
  after: '10m',
  every: undefined,
  ...overrides,
});

const incident = (overrides: Partial<Incident> = {}): Incident => ({
  id: 'inc_1',
  openedAt: T0,
  state: 'open',
  claimedBy: null,
  claimedAt: null,
  resolvedBy: null,
  resolvedAt: null,
  quieted: [],
  silence: null,
  escalation: { since: T0, fired: [] },
  ...overrides,
});

describe('escalation', () => {
  it('is due `after` the clock started, while its condition holds', () => {
    expect(nextEscalationAt(incident(), [step()])).toBe(T0 + 10 * MIN);
    expect(nextEscalationAt(incident({ state: 'claimed' }), [step()])).toBeNull();
    expect(nextEscalationAt(incident({ state: 'claimed' }), [step({ when: 'unresolved' })])).toBe(T0 + 10 * MIN);
    expect(nextEscalationAt(incident({ state: 'resolved' }), [step({ when: 'unresolved' })])).toBeNull();
    expect(nextEscalationAt(null, [step()])).toBeNull();
    expect(nextEscalationAt(incident(), [step(), step({ afterMs: 5 * MIN, after: '5m' })])).toBe(T0 + 5 * MIN);
  });

  it('fires a step once, saying why, and counts it so that it never fires again', () => {
    expect(takeDueEscalations(incident(), [step()], T0 + 10 * MIN - 1).due).toEqual([]);
    const taken = takeDueEscalations(incident(), [step()], T0 + 10 * MIN);
    expect(taken.due).toEqual([expect.objectContaining({ index: 0, firing: 0, heldFor: '10m' })]);
    expect(taken.incident.escalation).toEqual({ since: T0, fired: [1] });
    expect(takeDueEscalations(taken.incident, [step()], T0 + 60 * MIN).due).toEqual([]);
    expect(nextEscalationAt(taken.incident, [step()])).toBeNull();
  });

  it('repeats `times` more, `every` apart; a step late by several intervals fires once, as its latest', () => {
    const repeating = step({ repeatTimes: 2, everyMs: 5 * MIN, every: '5m' });
    let current = takeDueEscalations(incident(), [repeating], T0 + 10 * MIN).incident;
    expect(nextEscalationAt(current, [repeating])).toBe(T0 + 15 * MIN);
    const second = takeDueEscalations(current, [repeating], T0 + 15 * MIN);
    expect(second.due[0]).toMatchObject({ firing: 1, heldFor: '15m' });
    current = second.incident;
    expect(nextEscalationAt(current, [repeating])).toBe(T0 + 20 * MIN);
    current = takeDueEscalations(current, [repeating], T0 + 20 * MIN).incident;
    expect(nextEscalationAt(current, [repeating])).toBeNull();

    const late = takeDueEscalations(incident(), [repeating], T0 + 17 * MIN);
    expect(late.due).toEqual([expect.objectContaining({ firing: 1, heldFor: '15m' })]);
    expect(late.incident.escalation.fired).toEqual([2]);
  });

  it('starts again from the first step when the clock is reset (an unclaim)', () => {
    const fired = takeDueEscalations(incident(), [step()], T0 + 10 * MIN).incident;
    const unclaimed = { ...fired, escalation: { since: T0 + 30 * MIN, fired: [] } };
    expect(nextEscalationAt(unclaimed, [step()])).toBe(T0 + 40 * MIN);
  });

  it('formats durations as policies write them', () => {
    expect(formatDuration(10 * MIN)).toBe('10m');
    expect(formatDuration(90 * MIN)).toBe('1h30m');
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(0)).toBe('0s');
  });
});
