import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EVENTS, type NotificationEvent, type NotifiedAlert } from '@alertlark/contracts';
import { ConfigFeed, EventPublisher } from '@alertlark/kafka';
import { AlertGroupRepository, AlertStateRepository, isFiringAt, type AlertGroup, type AlertState } from '@alertlark/persistence';
import { clockAfterFlush, decideFlush, inhibitedBy, isMutedByTimeIntervals, matchesAll, silencedBy, type CompiledPolicy } from '@alertlark/routing';
import { RoutingCatalog } from './routing-catalog';

/** A notification carries at most this many alerts (Kafka's message size); `totals` tells the rest. */
export const MAX_ALERTS_PER_NOTIFICATION = 500;
/** Inhibition looks at up to this many firing alerts sharing the target's `equal` labels. */
const INHIBITION_SOURCES_LIMIT = 1_000;

/**
 * What made a full flush quiet, so later ticks can skip reading the alerts while nothing could
 * change the decision: same configuration, same members, and before `recheckAt` (an alert's
 * `endsAt`, a silence starting or ending, the repeat falling due).
 */
interface SettledGroup {
  configRevision: number;
  members: string;
  recheckAt: number;
}

export interface FlushResult {
  outcome: 'sent' | 'quiet' | 'dropped' | 'not-due';
  /** The group's timer afterwards (null: no timer), for the in-memory index. */
  flushAt: number | null;
}

/**
 * One flush of one group: silences and inhibition first (they always win), then the policy's time
 * windows, then Alertmanager's dedup decision. Notification ids come from the group's incarnation,
 * its notification count and the chatbot, so a flush repeated after a crash yields the same ids and
 * the sender's ledger posts each card once.
 */
@Injectable()
export class FlushGroupUseCase {
  constructor(
    private readonly groups: AlertGroupRepository,
    private readonly states: AlertStateRepository,
    private readonly catalog: RoutingCatalog,
    private readonly publisher: EventPublisher,
    private readonly config: ConfigFeed,
  ) {}

  private readonly settled = new Map<string, SettledGroup>();

  async execute(groupKey: string, now = Date.now()): Promise<FlushResult> {
    const group = await this.groups.get(groupKey);
    if (!group || group.flushAt === null || group.flushAt > now) return { outcome: 'not-due', flushAt: group?.flushAt ?? null };
    const policy = this.catalog.policy(group.teamId, group.policyId);
    if (!policy?.enabled) {
      await this.groups.drop(groupKey);
      return { outcome: 'dropped', flushAt: null };
    }
    const members = group.members;
    const membersSignature = members.map((member) => `${member.fingerprint}:${member.eventId}`).join(',');
    const settled = this.settled.get(groupKey);
    if (settled && settled.configRevision === this.config.view.getRevision() && settled.members === membersSignature && now < settled.recheckAt) {
      return { outcome: 'quiet', flushAt: clockAfterFlush(now, policy.groupIntervalMs, true).flushAt };
    }
    this.settled.delete(groupKey);
    const states = new Map((await this.states.getMany(group.teamId, members.map((member) => member.fingerprint))).map((state) => [state.fingerprint, state]));
    const present = members.filter((member) => states.has(member.fingerprint));
    const candidates = await Promise.all(
      present.map(async (member) => {
        const state = states.get(member.fingerprint)!;
        return { fingerprint: member.fingerprint, firing: isFiringAt(state, new Date(now)), muted: await this.isMuted(state, now) };
      }),
    );
    const decision = decideFlush({
      now,
      sendResolved: policy.sendResolved,
      repeatIntervalMs: policy.repeatIntervalMs,
      timeMuted: isMutedByTimeIntervals(policy.timeWindows, now),
      alerts: candidates,
      lastNotification: group.lastNotification,
    });

    let notificationSeq = group.notificationSeq;
    if (decision.send.length > 0) {
      notificationSeq++;
      await this.notify(group, policy, notificationSeq, decision.send.map((fingerprint) => states.get(fingerprint)!), decision.status, now);
    }
    // Resolved alerts leave; so do members whose alert state vanished (the team was deleted).
    const released = new Set(decision.release);
    const remaining = present.filter((member) => !released.has(member.fingerprint));
    const clock = clockAfterFlush(now, policy.groupIntervalMs, remaining.length > 0);
    if (group.lastFlushAt !== null && decision.send.length === 0 && decision.log === null && remaining.length === members.length) {
      // Nothing changed: the next tick is kept in memory only. After a restart the stored, older
      // timer just brings one more quiet flush; writes are what FerretDB's SQLite backend pays for.
      const recheckAt = this.recheckAt(policy, group, [...states.values()], now);
      if (recheckAt !== null) this.settled.set(groupKey, { configRevision: this.config.view.getRevision(), members: membersSignature, recheckAt });
      return { outcome: 'quiet', flushAt: clock.flushAt };
    }
    await this.groups.save({
      ...group,
      ...clock,
      members: remaining,
      notificationSeq,
      lastNotification: decision.log ? { at: decision.log.at, firing: [...decision.log.firing], resolved: [...decision.log.resolved] } : group.lastNotification,
    });
    return { outcome: decision.send.length > 0 ? 'sent' : 'quiet', flushAt: clock.flushAt };
  }

  /**
   * Until when a quiet group stays quiet without a change of members or configuration: the first
   * firing alert's `endsAt`, a silence of the team starting or ending, or the repeat falling due.
   * Null (always look) when time windows or inhibition rules could change the decision on their own.
   */
  private recheckAt(policy: CompiledPolicy, group: AlertGroup, states: readonly AlertState[], now: number): number | null {
    if (policy.timeWindows.mute.length > 0 || policy.timeWindows.active.length > 0) return null;
    if (this.catalog.inhibitionRulesOf(group.teamId).length > 0) return null;
    const moments = states.filter((state) => isFiringAt(state, new Date(now)) && state.endsAt).map((state) => state.endsAt!.getTime());
    for (const silence of this.catalog.silencesOf(group.teamId)) moments.push(...[silence.startsAt, silence.endsAt].filter((at) => at > now));
    const last = group.lastNotification;
    if (last && last.firing.length > 0) moments.push(last.at + policy.repeatIntervalMs + 1);
    return moments.length > 0 ? Math.min(...moments) : Number.POSITIVE_INFINITY;
  }

  private async isMuted(state: AlertState, now: number): Promise<boolean> {
    if (silencedBy(this.catalog.silencesOf(state.teamId), state.labels, now).length > 0) return true;
    const candidate = { fingerprint: state.fingerprint, labels: state.labels };
    for (const rule of this.catalog.inhibitionRulesOf(state.teamId)) {
      // Only a target of the rule is worth a query for its sources.
      if (!matchesAll(rule.target, state.labels)) continue;
      // Narrow the query by what sources must carry: the target's equal-label values and the
      // rule's own `name="value"` source matchers; the rest is checked in memory.
      const required = [
        ...rule.equal.flatMap((name) => {
          const value = state.labels.find((label) => label.name === name)?.value;
          return value ? [{ name, value }] : [];
        }),
        ...rule.source.filter((matcher) => matcher.operator === '=' && matcher.value !== '').map(({ name, value }) => ({ name, value })),
      ];
      const sources = await this.states.firingWithLabels(state.teamId, required, new Date(now), INHIBITION_SOURCES_LIMIT);
      if (inhibitedBy([rule], candidate, sources).length > 0) return true;
    }
    return false;
  }

  private async notify(group: AlertGroup, policy: CompiledPolicy, seq: number, alerts: AlertState[], status: NotificationEvent['status'], now: number): Promise<void> {
    const at = new Date(now);
    const notified: NotifiedAlert[] = alerts.map((state) => {
      const firing = isFiringAt(state, at);
      return {
        fingerprint: state.fingerprint,
        status: firing ? 'firing' : 'resolved',
        labels: state.labels,
        annotations: state.annotations,
        startsAt: state.startsAt.toISOString(),
        ...(state.endsAt && !firing ? { endsAt: state.endsAt.toISOString() } : {}),
        ...(state.generatorURL ? { generatorURL: state.generatorURL } : {}),
      };
    });
    const firingCount = notified.filter((alert) => alert.status === 'firing').length;
    const notifications: NotificationEvent[] = policy.objectIds.map((objectId) => ({
      notificationId: createHash('sha256').update(`${group.incarnation}/${seq}/${objectId}`).digest('hex').slice(0, 32),
      teamId: group.teamId,
      objectId,
      policyId: group.policyId,
      groupKey: group._id,
      groupLabels: group.groupLabels,
      status,
      alerts: notified.slice(0, MAX_ALERTS_PER_NOTIFICATION),
      totals: { firing: firingCount, resolved: notified.length - firingCount },
      createdAt: at.toISOString(),
    }));
    await this.publisher.publish(
      EVENTS.notifications,
      notifications.map((notification) => ({ key: notification.objectId, value: notification })),
    );
    await this.states.recordHistory(
      alerts.map((state) => ({
        _id: `${group.incarnation}/${seq}/${state.fingerprint}`,
        teamId: group.teamId,
        fingerprint: state.fingerprint,
        at,
        kind: 'notified' as const,
        policyId: group.policyId,
        groupKey: group._id,
        objectIds: [...policy.objectIds],
        detail: status,
      })),
    );
  }
}
