import { clockAfterFlush, decideFlush, flushAtOnChange, type FlushCandidate, type FlushInput, type GroupClock } from './group-timeline';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const timing = { groupWaitMs: 30 * S, groupIntervalMs: 5 * M, repeatIntervalMs: 4 * H };
const T0 = Date.parse('2026-11-24T10:00:00Z');

describe('flushAtOnChange: when a group is flushed after an alert joins or changes', () => {
  const fresh: GroupClock = { flushAt: null, lastFlushAt: null };
  it.each<[string, GroupClock, number, number, number]>([
    ['a new group waits group_wait', fresh, T0, T0, T0 + 30 * S],
    ['a new group with an alert that started long ago flushes at once', fresh, T0 - 1 * H, T0, T0],
    ['an alert started exactly group_wait ago still waits (Before is strict)', fresh, T0 - 30 * S, T0, T0 + 30 * S],
    ['a second alert during group_wait does not postpone the flush', { flushAt: T0 + 10 * S, lastFlushAt: null }, T0, T0, T0 + 10 * S],
    ['an old alert joining during group_wait brings the flush forward', { flushAt: T0 + 10 * S, lastFlushAt: null }, T0 - 1 * H, T0, T0],
    ['a flushed group batches the change into its next tick', { flushAt: T0 + 4 * M, lastFlushAt: T0 - 1 * M }, T0, T0, T0 + 4 * M],
    ['a flushed group without a tick (never expected) ticks one interval after the last flush', { flushAt: null, lastFlushAt: T0 - 1 * M }, T0, T0, T0 + 4 * M],
    ['…or now when that is already past', { flushAt: null, lastFlushAt: T0 - 10 * M }, T0, T0, T0],
  ])('%s', (_case, clock, startsAt, now, expected) => {
    expect(flushAtOnChange(clock, startsAt, timing, now)).toBe(expected);
  });

  it('keeps ticking every group interval while alerts remain, and starts afresh once empty', () => {
    expect(clockAfterFlush(T0, 5 * M, true)).toEqual({ flushAt: T0 + 5 * M, lastFlushAt: T0 });
    expect(clockAfterFlush(T0, 5 * M, false)).toEqual({ flushAt: null, lastFlushAt: null });
  });
});

const firing = (fingerprint: string, muted = false): FlushCandidate => ({ fingerprint, firing: true, muted });
const resolved = (fingerprint: string, muted = false): FlushCandidate => ({ fingerprint, firing: false, muted });
const flush = (overrides: Partial<FlushInput>): FlushInput => ({
  now: T0,
  sendResolved: true,
  repeatIntervalMs: timing.repeatIntervalMs,
  timeMuted: false,
  alerts: [],
  lastNotification: null,
  ...overrides,
});

describe('decideFlush: Alertmanager dedup semantics', () => {
  it.each<[string, Partial<FlushInput>, string[], 'firing' | 'resolved' | null]>([
    ['first flush with firing alerts notifies them', { alerts: [firing('a'), firing('b')] }, ['a', 'b'], 'firing'],
    ['first flush with only resolved alerts says nothing (they fired and resolved within group_wait)', { alerts: [resolved('a')] }, [], null],
    ['an unchanged firing group stays quiet before repeat_interval', { alerts: [firing('a')], lastNotification: { at: T0 - 3 * H, firing: ['a'], resolved: [] } }, [], null],
    ['an unchanged firing group is repeated once repeat_interval has passed', { alerts: [firing('a')], lastNotification: { at: T0 - 4 * H - 1, firing: ['a'], resolved: [] } }, ['a'], 'firing'],
    ['exactly repeat_interval ago is not yet a repeat (Before is strict)', { alerts: [firing('a')], lastNotification: { at: T0 - 4 * H, firing: ['a'], resolved: [] } }, [], null],
    ['a new firing alert in the group notifies the whole group', { alerts: [firing('a'), firing('b')], lastNotification: { at: T0 - 5 * M, firing: ['a'], resolved: [] } }, ['a', 'b'], 'firing'],
    ['a firing alert leaving the group (fewer firing) alone says nothing', { alerts: [firing('a')], lastNotification: { at: T0 - 5 * M, firing: ['a', 'b'], resolved: [] } }, [], null],
    ['one of two resolving notifies with sendResolved, firing first', { alerts: [resolved('b'), firing('a')], lastNotification: { at: T0 - 5 * M, firing: ['a', 'b'], resolved: [] } }, ['a', 'b'], 'firing'],
    ['one of two resolving stays quiet without sendResolved', { sendResolved: false, alerts: [resolved('b'), firing('a')], lastNotification: { at: T0 - 5 * M, firing: ['a', 'b'], resolved: [] } }, [], null],
    ['all resolved after a firing notification sends the resolved card', { alerts: [resolved('a'), resolved('b')], lastNotification: { at: T0 - 5 * M, firing: ['a', 'b'], resolved: [] } }, ['a', 'b'], 'resolved'],
    ['all resolved when the receiver was last told nothing fired stays quiet', { alerts: [resolved('a')], lastNotification: { at: T0 - 5 * M, firing: [], resolved: ['b'] } }, [], null],
    ['silenced and inhibited alerts are left out of the notification', { alerts: [firing('a'), firing('b', true)] }, ['a'], 'firing'],
    ['a fully muted group sends nothing', { alerts: [firing('a', true)] }, [], null],
    ['a firing alert whose silence ended is news again', { alerts: [firing('a'), firing('b')], lastNotification: { at: T0 - 5 * M, firing: ['a'], resolved: [] } }, ['a', 'b'], 'firing'],
    ['a time-muted policy sends nothing', { timeMuted: true, alerts: [firing('a')] }, [], null],
  ])('%s', (_case, overrides, send, status) => {
    const decision = decideFlush(flush(overrides));
    expect(decision.send).toEqual(send);
    if (status) expect(decision.status).toBe(status);
  });

  it('logs what it decided to say, resolved-only flushes included even without sendResolved', () => {
    const withResolved = decideFlush(flush({ alerts: [firing('a'), resolved('b')], lastNotification: { at: T0 - 5 * M, firing: ['a', 'b'], resolved: [] } }));
    expect(withResolved.log).toEqual({ at: T0, firing: ['a'], resolved: ['b'] });
    const quietResolve = decideFlush(flush({ sendResolved: false, alerts: [resolved('a')], lastNotification: { at: T0 - 5 * M, firing: ['a'], resolved: [] } }));
    expect(quietResolve.send).toEqual([]);
    expect(quietResolve.log).toEqual({ at: T0, firing: [], resolved: ['a'] });
    // Had it not been logged, the next firing of `a` would look unchanged and be swallowed.
    expect(decideFlush(flush({ now: T0 + 5 * M, sendResolved: false, alerts: [firing('a')], lastNotification: quietResolve.log })).send).toEqual(['a']);
  });

  it('keeps the previous log when nothing is sent or the policy is time-muted', () => {
    const last = { at: T0 - 5 * M, firing: ['a'], resolved: [] };
    expect(decideFlush(flush({ alerts: [firing('a')], lastNotification: last })).log).toBeNull();
    expect(decideFlush(flush({ timeMuted: true, alerts: [firing('b')], lastNotification: last })).log).toBeNull();
  });

  describe('alerts beyond a full group\'s members, told as counts', () => {
    const last = { at: T0 - 5 * M, firing: ['a'], resolved: [], beyondFiring: 3 };
    it.each<[string, Partial<FlushInput>, string[], 'firing' | 'resolved' | null]>([
      ['a first flush counts them and sends the members', { alerts: [firing('a')], beyond: { firing: 3, resolved: 0 } }, ['a'], 'firing'],
      ['more of them firing stands for a new one firing', { alerts: [firing('a')], beyond: { firing: 4, resolved: 0 }, lastNotification: last }, ['a'], 'firing'],
      ['fewer of them firing alone says nothing without sendResolved', { sendResolved: false, alerts: [firing('a')], beyond: { firing: 2, resolved: 1 }, lastNotification: last }, [], null],
      ['one of them resolved is news with sendResolved', { alerts: [firing('a')], beyond: { firing: 2, resolved: 1 }, lastNotification: last }, ['a'], 'firing'],
      ['the same count firing stays quiet', { alerts: [firing('a')], beyond: { firing: 3, resolved: 0 }, lastNotification: last }, [], null],
      ['the members resolved while they fire: still firing', { alerts: [resolved('a')], beyond: { firing: 3, resolved: 0 }, lastNotification: last }, ['a'], 'firing'],
      ['everything resolved, they included, is told once', { alerts: [resolved('a')], beyond: { firing: 0, resolved: 3 }, lastNotification: last }, ['a'], 'resolved'],
    ])('%s', (_case, overrides, send, status) => {
      const decision = decideFlush(flush(overrides));
      expect(decision.send).toEqual(send);
      if (status) expect(decision.status).toBe(status);
    });

    it('logs how many fired beyond the members, and nothing of them when none did', () => {
      expect(decideFlush(flush({ alerts: [firing('a')], beyond: { firing: 3, resolved: 0 } })).log).toEqual({ at: T0, firing: ['a'], resolved: [], beyondFiring: 3 });
      expect(decideFlush(flush({ alerts: [resolved('a')], beyond: { firing: 0, resolved: 3 }, lastNotification: last })).log).toEqual({ at: T0, firing: [], resolved: ['a'] });
    });

    it('a group whose members are all muted still flushes its count', () => {
      expect(decideFlush(flush({ alerts: [firing('a', true)], beyond: { firing: 2, resolved: 0 } })).log).toEqual({ at: T0, firing: [], resolved: [], beyondFiring: 2 });
    });
  });

  it('releases every resolved alert after a flush, sent, muted or not', () => {
    expect(decideFlush(flush({ alerts: [firing('a'), resolved('b'), resolved('c', true)] })).release).toEqual(['b', 'c']);
    expect(decideFlush(flush({ timeMuted: true, alerts: [resolved('b')] })).release).toEqual(['b']);
  });
});

describe('a group timeline, flush by flush', () => {
  /** Drives the pure functions the way the router does, with group wait 1s, interval 3s, repeat 10s. */
  function simulate(events: { at: number; fingerprint: string; firing: boolean }[], until: number) {
    const t = { groupWaitMs: 1 * S, groupIntervalMs: 3 * S, repeatIntervalMs: 10 * S };
    let clock: GroupClock = { flushAt: null, lastFlushAt: null };
    let log: FlushInput['lastNotification'] = null;
    const members = new Map<string, boolean>();
    const sent: { at: number; send: readonly string[]; status: string }[] = [];
    const queue = [...events].sort((a, b) => a.at - b.at);
    for (let now = 0; now <= until; now += 100) {
      while (queue[0] && queue[0].at <= now) {
        const event = queue.shift()!;
        const changed = members.get(event.fingerprint) !== event.firing;
        members.set(event.fingerprint, event.firing);
        if (changed) clock = { ...clock, flushAt: flushAtOnChange(clock, event.at, t, now) };
      }
      if (clock.flushAt !== null && clock.flushAt <= now) {
        const decision = decideFlush({
          now,
          sendResolved: true,
          repeatIntervalMs: t.repeatIntervalMs,
          timeMuted: false,
          alerts: [...members].map(([fingerprint, isFiring]) => ({ fingerprint, firing: isFiring, muted: false })),
          lastNotification: log,
        });
        if (decision.send.length > 0) sent.push({ at: now, send: decision.send, status: decision.status });
        log = decision.log ?? log;
        for (const fingerprint of decision.release) members.delete(fingerprint);
        clock = clockAfterFlush(now, t.groupIntervalMs, members.size > 0);
      }
    }
    return sent;
  }

  it('first notification after group wait, batching by interval, repeat, then resolve', () => {
    const sent = simulate(
      [
        { at: 0, fingerprint: 'a', firing: true },
        { at: 500, fingerprint: 'b', firing: true }, // inside group wait: same first card
        { at: 2_000, fingerprint: 'c', firing: true }, // after the first flush: batched into the tick at 4s
        { at: 2_500, fingerprint: 'd', firing: true },
        { at: 20_000, fingerprint: 'a', firing: false },
        { at: 20_000, fingerprint: 'b', firing: false },
        { at: 20_000, fingerprint: 'c', firing: false },
        { at: 20_000, fingerprint: 'd', firing: false },
      ],
      30_000,
    );
    expect(sent).toEqual([
      { at: 1_000, send: ['a', 'b'], status: 'firing' },
      { at: 4_000, send: ['a', 'b', 'c', 'd'], status: 'firing' },
      // Repeat: the first tick more than 10s after the last notification (4s): 16s.
      { at: 16_000, send: ['a', 'b', 'c', 'd'], status: 'firing' },
      // Resolved on the next tick after 20s: 22s; then the group is empty and stops ticking.
      { at: 22_000, send: ['a', 'b', 'c', 'd'], status: 'resolved' },
    ]);
  });

  it('starts a new group with group wait after the old one emptied', () => {
    const sent = simulate(
      [
        { at: 0, fingerprint: 'a', firing: true },
        { at: 2_000, fingerprint: 'a', firing: false },
        { at: 9_000, fingerprint: 'a', firing: true },
      ],
      12_000,
    );
    expect(sent).toEqual([
      { at: 1_000, send: ['a'], status: 'firing' },
      { at: 4_000, send: ['a'], status: 'resolved' },
      { at: 10_000, send: ['a'], status: 'firing' },
    ]);
  });
});
