import { randomUUID } from 'node:crypto';
import type { AlertEvent, RoutedAlert, RoutedGroup } from '@alertlark/contracts';
import { flushAtOnChange, groupKey, groupLabels, matchPolicies, type CompiledPolicy } from '@alertlark/routing';
import { planAlertChange, type GroupChange, type MatchedGroup } from './alert-change';
import type { PartitionState } from './partition-state';

export interface PolicyLookup {
  policiesOf(teamId: string): readonly CompiledPolicy[];
  policy(teamId: string, policyId: string): CompiledPolicy | undefined;
}

export interface ApplyContext {
  policies: PolicyLookup;
  /** Alertmanager's resolve_timeout, for pushed alerts without `endsAt`. */
  resolveTimeoutMs: number;
  /** Told each group whose timer moved. */
  schedule: (groupKey: string, flushAt: number) => void;
  now: number;
  newIncarnation?: () => string;
}

/**
 * Alertmanager sends firing alerts without an end: they end when it says resolved. An alert
 * pushed by Prometheus without `endsAt` ends after the resolve timeout unless pushed again.
 */
function endsAtOf(event: AlertEvent, resolveTimeoutMs: number): number | null {
  if (event.endsAt) return Date.parse(event.endsAt);
  if (event.source === 'prometheus') return Date.parse(event.receivedAt) + resolveTimeoutMs;
  return null;
}

/**
 * Most events are re-sends of an unchanged alert, and a changelog record for each would be the
 * router's main cost in a storm of re-sends, so a re-send is recorded only when it says something
 * new: other annotations, start or status, or an `endsAt` whose recorded predecessor has used up
 * half of its window (the recorded end always stays comfortably ahead while re-sends come).
 */
export function worthRecording(previous: RoutedAlert, event: AlertEvent, endsAt: number | null, now: number): boolean {
  if (previous.status !== event.status || previous.startsAt !== event.startsAt) return true;
  if (JSON.stringify(previous.annotations) !== JSON.stringify(event.annotations) || (previous.generatorURL ?? '') !== (event.generatorURL ?? '')) return true;
  if (previous.endsAt === null || endsAt === null) return previous.endsAt !== endsAt;
  return endsAt > previous.endsAt && previous.endsAt - now < (endsAt - now) / 2;
}

/**
 * Applies one alert event (at `offset` of its partition) to the partition's state: the alert's
 * record, its history, its group memberships and their timers, as Alertmanager's dispatcher would.
 * An event at or below the alert's recorded offset was applied before a restart and is skipped.
 * Returns whether anything changed.
 */
export function applyAlertEvent(state: PartitionState, event: AlertEvent, offset: number, context: ApplyContext): boolean {
  const previous = state.alert(event.teamId, event.fingerprint);
  if (previous && offset <= previous.offset) return false;
  const endsAt = endsAtOf(event, context.resolveTimeoutMs);
  const matched: MatchedGroup[] = matchPolicies(context.policies.policiesOf(event.teamId), event.labels).map((policy) => {
    const labels = groupLabels(event.labels, policy.groupBy);
    return { policyId: policy.id, groupKey: groupKey(policy.id, labels), groupLabels: labels };
  });
  const plan = planAlertChange(previous ?? null, event, endsAt, matched, context.now);
  const receivedAt = Date.parse(event.receivedAt);
  if (plan.changes.length === 0 && plan.transition === null && (!previous || !worthRecording(previous, event, endsAt, receivedAt))) return false;
  // Full groups that counted the alert go on counting it while it stays in them.
  const beyondCap = previous?.beyondCap?.filter((key) => plan.groupKeys.includes(key));

  state.putAlert({
    kind: 'alert',
    teamId: event.teamId,
    fingerprint: event.fingerprint,
    status: event.status,
    labels: event.labels,
    annotations: event.annotations,
    startsAt: event.startsAt,
    endsAt,
    ...(event.generatorURL ? { generatorURL: event.generatorURL } : {}),
    source: event.source,
    lastEventId: event.eventId,
    lastReceivedAt: event.receivedAt,
    offset,
    groupKeys: plan.groupKeys,
    ...(beyondCap?.length ? { beyondCap } : {}),
  });
  if (plan.transition) {
    state.record({ id: `${event.eventId}:${plan.transition}`, teamId: event.teamId, fingerprint: event.fingerprint, at: event.receivedAt, kind: plan.transition });
  }
  for (const change of plan.changes) applyGroupChange(state, change, context);
  return true;
}

/** Records the alert's membership and, when it joined or changed status, moves the group's timer. */
function applyGroupChange(state: PartitionState, change: GroupChange, context: ApplyContext): void {
  if (change.change === 'leave') {
    state.removeMember(change.groupKey, change.fingerprint);
    return;
  }
  const policy = context.policies.policy(change.teamId, change.policyId);
  if (!policy) return;
  const group = state.group(change.groupKey) ?? {
    kind: 'group' as const,
    groupKey: change.groupKey,
    teamId: change.teamId,
    policyId: change.policyId,
    groupLabels: change.groupLabels,
    incarnation: (context.newIncarnation ?? randomUUID)(),
    flushAt: null,
    lastFlushAt: null,
    notificationSeq: 0,
    lastNotification: null,
    incidentSeq: 0,
    incident: null,
    recentActions: [],
  };
  const members = state.membersOf(change.groupKey);
  const previous = members.get(change.fingerprint);
  if (!previous && state.group(change.groupKey) && (members.size >= state.maxGroupMembers || state.beyondCapOf(change.groupKey).has(change.fingerprint))) {
    joinBeyondCap(state, group, change, policy, context);
    return;
  }
  if (previous?.status === change.status && previous.eventId === change.eventId && state.group(change.groupKey)) return;
  state.putMember({ kind: 'member', groupKey: change.groupKey, fingerprint: change.fingerprint, status: change.status, eventId: change.eventId });
  const flushAt = previous?.status === change.status && group.flushAt !== null ? group.flushAt : flushAtOnChange(group, Date.parse(change.startsAt), policy, context.now);
  if (flushAt !== group.flushAt || !state.group(change.groupKey)) {
    state.putGroup({ ...group, flushAt });
    context.schedule(change.groupKey, flushAt);
  }
}

/**
 * An alert of a full group: the group counts it (its alert record names the group) instead of
 * holding a member record, so neither the group nor its records grow past the cap. Its status is
 * read from the alert record at each flush, so the count stays exact however often it changes.
 */
function joinBeyondCap(state: PartitionState, group: RoutedGroup, change: GroupChange, policy: CompiledPolicy, context: ApplyContext): void {
  const alert = state.alert(change.teamId, change.fingerprint);
  if (!alert) return;
  if (!state.beyondCapOf(change.groupKey).has(change.fingerprint)) state.joinBeyondCap(alert, change.groupKey);
  const flushAt = flushAtOnChange(group, Date.parse(change.startsAt), policy, context.now);
  if (flushAt !== group.flushAt) {
    state.putGroup({ ...group, flushAt });
    context.schedule(change.groupKey, flushAt);
  }
}
