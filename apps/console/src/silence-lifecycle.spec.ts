import { expiredTimes, newSilenceTimes, silenceMatcherIssues, silenceState } from './silence-lifecycle';

const at = (iso: string) => new Date(iso);
const window = { startsAt: at('2026-01-01T10:00:00Z'), endsAt: at('2026-01-01T12:00:00Z') };

describe('silenceState', () => {
  it.each([
    ['before the start', '2026-01-01T09:59:59.999Z', 'pending'],
    ['at the start', '2026-01-01T10:00:00Z', 'active'],
    ['inside', '2026-01-01T11:00:00Z', 'active'],
    ['at the end', '2026-01-01T12:00:00Z', 'expired'],
    ['after the end', '2026-01-02T00:00:00Z', 'expired'],
  ])('is computed from the times: %s', (_case, now, state) => {
    expect(silenceState(window, at(now))).toBe(state);
  });
});

describe('expiredTimes', () => {
  it('ends an active silence now and keeps its start', () => {
    const now = at('2026-01-01T11:00:00Z');
    const expired = expiredTimes(window, now);
    expect(expired).toEqual({ startsAt: window.startsAt, endsAt: now });
    expect(silenceState(expired!, now)).toBe('expired');
  });

  it('starts and ends a pending silence now, so it never was in force', () => {
    const now = at('2026-01-01T09:00:00Z');
    const expired = expiredTimes(window, now);
    expect(expired).toEqual({ startsAt: now, endsAt: now });
    expect(silenceState(expired!, now)).toBe('expired');
  });

  it('has nothing to do for an expired silence', () => {
    expect(expiredTimes(window, at('2026-01-01T12:00:00Z'))).toBeNull();
  });
});

describe('newSilenceTimes', () => {
  const now = at('2026-01-01T10:00:00Z');

  it('starts now when no start is given', () => {
    expect(newSilenceTimes({ endsAt: '2026-01-01T11:00:00Z' }, now)).toEqual({ startsAt: now, endsAt: at('2026-01-01T11:00:00Z') });
  });

  it('keeps a start in the future', () => {
    expect(newSilenceTimes({ startsAt: '2026-01-02T00:00:00+08:00', endsAt: '2026-01-02T10:00:00Z' }, now)).toEqual({
      startsAt: at('2026-01-01T16:00:00Z'),
      endsAt: at('2026-01-02T10:00:00Z'),
    });
  });

  it('moves a start in the past to now', () => {
    expect(newSilenceTimes({ startsAt: '2025-12-31T00:00:00Z', endsAt: '2026-01-01T11:00:00Z' }, now)).toEqual({
      startsAt: now,
      endsAt: at('2026-01-01T11:00:00Z'),
    });
  });

  it('refuses an end that has passed, even after a start in the past', () => {
    expect(newSilenceTimes({ startsAt: '2025-12-31T00:00:00Z', endsAt: '2026-01-01T10:00:00Z' }, now)).toEqual({
      path: 'endsAt',
      message: 'endsAt must be in the future',
    });
  });
});

describe('silenceMatcherIssues', () => {
  it('accepts matchers of which one needs a value', () => {
    expect(silenceMatcherIssues(['alertname="HighCPU"', 'instance=~".*"'])).toEqual([]);
  });

  it('names a bad matcher and where it breaks', () => {
    expect(silenceMatcherIssues(['alertname="HighCPU"', 'team=~"(payments"'])).toEqual([
      { path: 'matchers.1', position: expect.any(Number), message: expect.stringContaining('invalid regular expression') },
    ]);
  });

  it('refuses matchers that all match the empty string: they would silence everything', () => {
    expect(silenceMatcherIssues(['instance=~".*"', 'team!="payments"'])).toEqual([
      { path: 'matchers', message: 'at least one matcher must not match the empty string' },
    ]);
  });
});
