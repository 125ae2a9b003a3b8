import type { AlertEvent, AlertStatus, LabelPair } from '@alertlark/contracts';

/** What the router remembers of an alert between its events. */
export interface TrackedAlert {
  readonly status: AlertStatus;
  readonly endsAt: number | null;
  readonly groupKeys: readonly string[];
  readonly lastEventId: string;
}

export interface MatchedGroup {
  readonly policyId: string;
  readonly groupKey: string;
  readonly groupLabels: readonly LabelPair[];
}

/** An alert joined, changed status in, or left one policy's group. */
export interface GroupChange {
  readonly eventId: string;
  readonly teamId: string;
  readonly policyId: string;
  readonly groupKey: string;
  readonly groupLabels: LabelPair[];
  readonly fingerprint: string;
  /** `upsert`: the alert is in the group with this status; `leave`: the policy no longer takes it. */
  readonly change: 'upsert' | 'leave';
  readonly status: AlertStatus;
  readonly startsAt: string;
}

export interface AlertChangePlan {
  /** Group changes, in order. */
  readonly changes: GroupChange[];
  /** Set when the alert started or stopped firing: a history entry. */
  readonly transition: AlertStatus | null;
  /** The groups the alert is in after this event. */
  readonly groupKeys: string[];
}

function firingAt(status: AlertStatus, endsAt: number | null, now: number): boolean {
  return status === 'firing' && (endsAt === null || endsAt > now);
}

/**
 * What one alert event changes, de-duplicated. Prometheus re-sends every firing
 * alert each minute and Alertmanager re-sends webhooks; such repeats change nothing and travel no
 * further. Only a start or stop of firing, a newly matching policy, or a policy that stopped
 * matching reaches the groups. A redelivered event (same id as the last one applied) is applied again:
 * group changes are idempotent.
 */
export function planAlertChange(previous: TrackedAlert | null, event: AlertEvent, endsAt: number | null, matched: readonly MatchedGroup[], now: number): AlertChangePlan {
  const firing = firingAt(event.status, endsAt, now);
  const wasFiring = previous ? firingAt(previous.status, previous.endsAt, now) : false;
  const transition: AlertStatus | null = previous === null ? (firing ? 'firing' : null) : firing !== wasFiring ? (firing ? 'firing' : 'resolved') : null;
  const redelivered = previous?.lastEventId === event.eventId;
  const status: AlertStatus = firing ? 'firing' : 'resolved';
  const change = (group: MatchedGroup, kind: GroupChange['change']): GroupChange => ({
    eventId: event.eventId,
    teamId: event.teamId,
    policyId: group.policyId,
    groupKey: group.groupKey,
    groupLabels: [...group.groupLabels],
    fingerprint: event.fingerprint,
    change: kind,
    status,
    startsAt: event.startsAt,
  });

  const before = new Set(previous?.groupKeys ?? []);
  // A resolved alert joins no group it was not in: there is nothing to announce.
  const joined = matched.filter((group) => firing || before.has(group.groupKey));
  const changes = joined.filter((group) => transition !== null || redelivered || !before.has(group.groupKey)).map((group) => change(group, 'upsert'));
  const stillIn = new Set(joined.map((group) => group.groupKey));
  for (const groupKey of before) {
    if (stillIn.has(groupKey)) continue;
    const policyId = groupKey.slice(0, groupKey.indexOf(':'));
    changes.push(change({ policyId, groupKey, groupLabels: [] }, 'leave'));
  }
  return { changes, transition, groupKeys: [...stillIn] };
}
