import { createHash } from 'node:crypto';
import { alertGroupId, alertsWithinBytes, cardOrder, incidentView, MAX_ALERTS_PER_NOTIFICATION, type ActionDecided, type Incident, type NotificationEvent, type NotifiedAlert, type RoutedAlert, type RoutedGroup } from '@alertlark/contracts';
import {
  clockAfterFlush,
  decideFlush,
  indexInhibitionSources,
  isMutedByTimeIntervals,
  silencedBy,
  type CompiledInhibitionRule,
  type CompiledPolicy,
  type BeyondCount,
  type CompiledSilence,
  type InhibitionIndex,
  type NotificationLogEntry,
} from '@alertlark/routing';
import type { DueEscalation } from './escalation';
import { incidentAtFlush } from './incident';
import type { PartitionState } from './partition-state';

export interface FlushCatalog {
  policy(teamId: string, policyId: string): CompiledPolicy | undefined;
  silencesOf(teamId: string): readonly CompiledSilence[];
  inhibitionRulesOf(teamId: string): readonly CompiledInhibitionRule[];
}

export interface FlushOutcome {
  outcome: 'sent' | 'quiet' | 'dropped' | 'not-due';
  notifications: NotificationEvent[];
  /** The group's timer afterwards; null: the group is gone. */
  flushAt: number | null;
}

/** Whether the alert fires at `now`: firing status, and its `endsAt` (if any) not yet passed. */
export function isFiring(alert: Pick<RoutedAlert, 'status' | 'endsAt'>, now: number): boolean {
  return alert.status === 'firing' && (alert.endsAt === null || alert.endsAt > now);
}

/**
 * Inhibition sources indexed once per team, rule and team version, instead of a scan of the
 * team's alerts for every target: a storm flushes hundreds of groups of one team at a time.
 */
export class InhibitionIndexes {
  private readonly cache = new WeakMap<CompiledInhibitionRule, { state: PartitionState; version: number; validUntil: number; index: InhibitionIndex }>();

  of(rule: CompiledInhibitionRule, state: PartitionState, teamId: string, now: number): InhibitionIndex {
    const cached = this.cache.get(rule);
    const version = state.teamVersion(teamId);
    if (cached && cached.state === state && cached.version === version && now < cached.validUntil) return cached.index;
    let validUntil = Number.POSITIVE_INFINITY;
    const firing: RoutedAlert[] = [];
    for (const alert of state.alertsOfTeam(teamId)) {
      if (!isFiring(alert, now)) continue;
      firing.push(alert);
      // A source whose end passes stops inhibiting then.
      if (alert.endsAt !== null) validUntil = Math.min(validUntil, alert.endsAt);
    }
    const index = indexInhibitionSources(rule, firing);
    this.cache.set(rule, { state, version, validUntil, index });
    return index;
  }
}

/**
 * One flush of one group, as Alertmanager's pipeline: silences and inhibition first (they always
 * win), then the policy's time windows, then the dedup decision. Notification ids come from the
 * group's incarnation, its notification count and the chatbot, so a flush repeated after a crash
 * (its state change not yet in the changelog) yields the same ids and the sender posts each once.
 */
export function flushGroup(state: PartitionState, groupKey: string, catalog: FlushCatalog, inhibition: InhibitionIndexes, now: number): FlushOutcome {
  const group = state.group(groupKey);
  if (!group || group.flushAt === null || group.flushAt > now) return { outcome: 'not-due', notifications: [], flushAt: group?.flushAt ?? null };
  const policy = catalog.policy(group.teamId, group.policyId);
  if (!policy?.enabled) {
    state.removeGroup(groupKey);
    return { outcome: 'dropped', notifications: [], flushAt: null };
  }
  const silences = catalog.silencesOf(group.teamId);
  const rules = catalog.inhibitionRulesOf(group.teamId).map((rule) => inhibition.of(rule, state, group.teamId, now));
  const alerts = new Map<string, RoutedAlert>();
  const gone: string[] = [];
  for (const fingerprint of state.membersOf(groupKey).keys()) {
    const alert = state.alert(group.teamId, fingerprint);
    if (alert) alerts.set(fingerprint, alert);
    else gone.push(fingerprint);
  }
  const muted = (alert: RoutedAlert) => silencedBy(silences, alert.labels, now).length > 0 || rules.some((rule) => rule.inhibits(alert));
  const beyond = countBeyondCap(state, group, now, muted);
  const candidates = [...alerts.values()].map((alert) => ({ fingerprint: alert.fingerprint, firing: isFiring(alert, now), muted: muted(alert) }));
  const { incident, incidentSeq, quiet } = incidentAtFlush(group, candidates.filter((alert) => alert.firing && !alert.muted).map((alert) => alert.fingerprint), now);
  const decision = decideFlush({
    now,
    sendResolved: policy.sendResolved,
    repeatIntervalMs: policy.repeatIntervalMs,
    timeMuted: quiet || isMutedByTimeIntervals(policy.timeWindows, now),
    alerts: candidates,
    beyond,
    lastNotification: group.lastNotification,
  });

  let notificationSeq = group.notificationSeq;
  let notifications: NotificationEvent[] = [];
  if (decision.send.length > 0) {
    notificationSeq++;
    const sent = decision.send.map((fingerprint) => alerts.get(fingerprint)!);
    const seq = notificationSeq;
    const told: BeyondCount = { firing: beyond.firing, resolved: policy.sendResolved ? beyond.resolved : 0 };
    notifications = notificationsOf(group, policy.objectIds, (objectId) => `${group.incarnation}/${seq}/${objectId}`, sent, decision.status, now, incident, told);
    recordNotified(state, group, policy, notificationSeq, sent, decision.status, now);
  }
  // Resolved alerts leave; so do members whose alert is gone (its team was deleted).
  for (const fingerprint of [...decision.release, ...gone]) state.removeMember(groupKey, fingerprint);
  for (const alert of beyond.released) state.leaveBeyondCap(alert, groupKey);
  const promoted = promoteBeyondCap(state, group, beyond.visibleFiring);
  const remaining = state.membersOf(groupKey).size + state.beyondCapOf(groupKey).size;
  if (remaining === 0) {
    // As in Alertmanager, an emptied group is gone; the next alert starts a new incarnation.
    state.removeGroup(groupKey);
    return { outcome: decision.send.length > 0 ? 'sent' : 'quiet', notifications, flushAt: null };
  }
  const clock = clockAfterFlush(now, policy.groupIntervalMs, true);
  const unchanged = group.lastFlushAt !== null && decision.send.length === 0 && decision.log === null && decision.release.length === 0 && beyond.released.length === 0 && promoted.length === 0 && gone.length === 0 && incident === group.incident;
  const next: RoutedGroup = {
    ...group,
    ...clock,
    notificationSeq,
    incidentSeq,
    incident,
    lastNotification: decision.log || promoted.length > 0 ? logRecord(decision.log ?? group.lastNotification, promoted) : group.lastNotification,
  };
  // A quiet tick moves the timer in memory only: after a restore the recorded, older timer just
  // brings one more quiet flush.
  if (unchanged) state.moveTimer(next);
  else state.putGroup(next);
  return { outcome: decision.send.length > 0 ? 'sent' : 'quiet', notifications, flushAt: clock.flushAt };
}

/**
 * The log as recorded, with the alerts promoted to members listed instead of counted: they were
 * told of (as a count), so the next flush does not take them for new ones.
 */
function logRecord(log: NotificationLogEntry | null, promoted: readonly string[]): RoutedGroup['lastNotification'] {
  if (!log) return null;
  const entry = { at: log.at, firing: [...log.firing, ...promoted], resolved: [...log.resolved] };
  const beyondFiring = (log.beyondFiring ?? 0) - promoted.length;
  return beyondFiring > 0 ? { ...entry, beyondFiring } : entry;
}

/**
 * Places a full group's flush freed (resolved members leave at each flush) go to firing alerts it
 * counted beyond its members, so its card goes on listing firing alerts. Returns their fingerprints.
 */
function promoteBeyondCap(state: PartitionState, group: RoutedGroup, firing: readonly RoutedAlert[]): string[] {
  const free = state.maxGroupMembers - state.membersOf(group.groupKey).size;
  const promoted = firing.slice(0, Math.max(0, free));
  for (const alert of promoted) {
    state.leaveBeyondCap(alert, group.groupKey);
    state.putMember({ kind: 'member', groupKey: group.groupKey, fingerprint: alert.fingerprint, status: 'firing', eventId: alert.lastEventId });
  }
  return promoted.map((alert) => alert.fingerprint);
}

interface BeyondCapNow {
  firing: number;
  resolved: number;
  /** Resolved: they leave the group after this flush, as resolved members do. */
  released: RoutedAlert[];
  /** Firing and not muted, at most a full group's worth: candidates for free member places. */
  visibleFiring: RoutedAlert[];
}

/**
 * The alerts a full group counts beyond its members, by their status now (an `endsAt` passed
 * resolves one as it does a member). Muted ones are not counted, as muted members are not shown.
 */
function countBeyondCap(state: PartitionState, group: RoutedGroup, now: number, muted?: (alert: RoutedAlert) => boolean): BeyondCapNow {
  const counted: BeyondCapNow = { firing: 0, resolved: 0, released: [], visibleFiring: [] };
  for (const fingerprint of state.beyondCapOf(group.groupKey)) {
    const alert = state.alert(group.teamId, fingerprint);
    if (!alert) continue;
    const firing = isFiring(alert, now);
    if (!firing) counted.released.push(alert);
    if (muted?.(alert)) continue;
    if (!firing) counted.resolved++;
    else if (counted.firing++ < state.maxGroupMembers) counted.visibleFiring.push(alert);
  }
  return counted;
}

/**
 * A follow-up to each of the group's chatbots saying what someone did to its incident, with the
 * group's alerts as they are. Its ids come from the action's, so a decision replayed after a crash
 * is posted once.
 */
export function followUpNotifications(state: PartitionState, group: RoutedGroup, policy: CompiledPolicy, decided: ActionDecided, incident: Incident, now: number): NotificationEvent[] {
  return groupAsItIs(state, group, policy.objectIds, (objectId) => `action/${decided.actionId}/${objectId}`, incident, now, { followUp: { action: decided.action, actor: decided.actor } });
}

/**
 * An escalation step's notifications: the group's card to the step's chatbots, with its mentions
 * and why. Ids from the incident, its escalation clock (an unclaim restarts it: the same step fires
 * again, under new ids), the step and its firing, so a replay is posted once.
 */
export function escalationNotifications(state: PartitionState, group: RoutedGroup, incident: Incident, due: DueEscalation, now: number): NotificationEvent[] {
  const idOf = (objectId: string) => `escalation/${incident.id}/${incident.escalation.since}/${due.index}/${due.firing}/${objectId}`;
  return groupAsItIs(state, group, due.step.objectIds, idOf, incident, now, { escalation: { when: due.step.when, for: due.heldFor, mentions: [...due.step.mentions] } });
}

function groupAsItIs(
  state: PartitionState,
  group: RoutedGroup,
  objectIds: readonly string[],
  idOf: (objectId: string) => string,
  incident: Incident,
  now: number,
  extra: Pick<NotificationEvent, 'followUp' | 'escalation'>,
): NotificationEvent[] {
  const alerts = [...state.membersOf(group.groupKey).keys()].flatMap((fingerprint) => state.alert(group.teamId, fingerprint) ?? []);
  const beyond = countBeyondCap(state, group, now);
  if (alerts.length + beyond.firing + beyond.resolved === 0) return [];
  const status = beyond.firing > 0 || alerts.some((alert) => isFiring(alert, now)) ? 'firing' : 'resolved';
  return notificationsOf(group, objectIds, idOf, alerts, status, now, incident, { firing: beyond.firing, resolved: beyond.resolved }, extra);
}

function notificationsOf(
  group: RoutedGroup,
  objectIds: readonly string[],
  idOf: (objectId: string) => string,
  alerts: readonly RoutedAlert[],
  status: NotificationEvent['status'],
  now: number,
  incident: Incident | null,
  beyond: BeyondCount,
  extra: Pick<NotificationEvent, 'followUp' | 'escalation'> = {},
): NotificationEvent[] {
  const at = new Date(now).toISOString();
  const all = alerts.map((alert) => {
    const firing = isFiring(alert, now);
    return { alert, firing, status: firing ? 'firing' : 'resolved', labels: alert.labels };
  });
  const carried = all.length > MAX_ALERTS_PER_NOTIFICATION ? cardOrder(all).slice(0, MAX_ALERTS_PER_NOTIFICATION) : all;
  const candidates: NotifiedAlert[] = carried.map(({ alert, firing }) => ({
    fingerprint: alert.fingerprint,
    status: firing ? 'firing' : 'resolved',
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt,
    ...(alert.endsAt !== null && !firing ? { endsAt: new Date(alert.endsAt).toISOString() } : {}),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
  }));
  // Rarely short of the count: alerts with huge annotations. Then the most important that fit.
  const fitted = alertsWithinBytes(candidates);
  const notified = fitted.length === candidates.length ? candidates : alertsWithinBytes(cardOrder(candidates));
  const firingCount = all.filter((entry) => entry.firing).length;
  return objectIds.map((objectId) => ({
    notificationId: createHash('sha256').update(idOf(objectId)).digest('hex').slice(0, 32),
    teamId: group.teamId,
    objectId,
    policyId: group.policyId,
    groupKey: group.groupKey,
    groupLabels: group.groupLabels,
    status,
    alerts: notified,
    totals: { firing: firingCount + beyond.firing, resolved: alerts.length - firingCount + beyond.resolved },
    groupId: alertGroupId(group.teamId, group.groupKey),
    ...(incident ? { incident: incidentView(incident) } : {}),
    ...extra,
    createdAt: at,
  }));
}

/**
 * History of each alert the notification newly told about (first firing, or resolved): a growing
 * group re-sends all its alerts every interval, and an entry for each would be O(n²).
 */
function recordNotified(state: PartitionState, group: RoutedGroup, policy: CompiledPolicy, seq: number, alerts: readonly RoutedAlert[], status: NotificationEvent['status'], now: number): void {
  const told = new Set([...(group.lastNotification?.firing.map((fp) => `${fp}:firing`) ?? []), ...(group.lastNotification?.resolved.map((fp) => `${fp}:resolved`) ?? [])]);
  const at = new Date(now).toISOString();
  for (const alert of alerts) {
    if (told.has(`${alert.fingerprint}:${isFiring(alert, now) ? 'firing' : 'resolved'}`)) continue;
    state.record({
      id: `${group.incarnation}/${seq}/${alert.fingerprint}`,
      teamId: group.teamId,
      fingerprint: alert.fingerprint,
      at,
      kind: 'notified',
      policyId: group.policyId,
      groupKey: group.groupKey,
      objectIds: [...policy.objectIds],
      detail: status,
    });
  }
}
