import type { SilenceState } from '@alertlark/contracts';
import { matchesAll, parseMatcher, silenceState as silenceStateAt } from '@alertlark/routing';
import { matcherIssues, type ValidationIssue } from './validation';

export interface SilenceTimes {
  startsAt: Date;
  endsAt: Date;
}

/** Alertmanager's states, by the same rule the router applies: pending, active, expired. */
export function silenceState(times: SilenceTimes, now: Date): SilenceState {
  return silenceStateAt({ startsAt: times.startsAt.getTime(), endsAt: times.endsAt.getTime() }, now.getTime());
}

/**
 * The times of a new silence, or why there are none. As in Alertmanager, a start in the past
 * becomes now (a silence does not reach back), and an end that has already passed is refused.
 */
export function newSilenceTimes(body: { startsAt?: string; endsAt: string }, now: Date): SilenceTimes | ValidationIssue {
  const endsAt = new Date(body.endsAt);
  if (endsAt.getTime() <= now.getTime()) return { path: 'endsAt', message: 'endsAt must be in the future' };
  const requestedStart = body.startsAt === undefined ? now : new Date(body.startsAt);
  return { startsAt: requestedStart.getTime() < now.getTime() ? now : requestedStart, endsAt };
}

/**
 * Expiring, as Alertmanager does it: an active silence ends now, a pending one starts and ends now
 * (so it never was in force). An expired silence has nothing to expire: null.
 */
export function expiredTimes(times: SilenceTimes, now: Date): SilenceTimes | null {
  switch (silenceState(times, now)) {
    case 'active':
      return { startsAt: times.startsAt, endsAt: now };
    case 'pending':
      return { startsAt: now, endsAt: now };
    case 'expired':
      return null;
  }
}

/**
 * Each matcher must parse; and, as Alertmanager requires, one of them must not match the empty
 * string, or the silence would hold back every alert of the team.
 */
export function silenceMatcherIssues(matchers: readonly string[]): ValidationIssue[] {
  const issues = matcherIssues('matchers', matchers);
  if (issues.length > 0) return issues;
  if (matchesAll(matchers.map((matcher) => parseMatcher(matcher)), [])) {
    return [{ path: 'matchers', message: 'at least one matcher must not match the empty string' }];
  }
  return [];
}
