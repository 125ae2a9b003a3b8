import { Inject, Injectable } from '@nestjs/common';
import { EVENTS, type AlertEvent } from '@alertlark/contracts';
import { EventPublisher, partitionForKey } from '@alertlark/kafka';
import { AlertStateRepository, alertStateId, type AlertState } from '@alertlark/persistence';
import { groupKey, groupLabels, matchPolicies } from '@alertlark/routing';
import { planAlertChange, type MatchedGroup } from './alert-change';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';
import { RoutingCatalog } from './routing-catalog';

/**
 * The first stage, per alert (alerts are keyed team/fingerprint, so one replica owns each alert):
 * keep the alert's state, match it against the team's policies, and hand real changes to the
 * group owners through the grouped-alerts topic, keyed and partitioned by group key.
 */
@Injectable()
export class TrackAlertUseCase {
  constructor(
    private readonly catalog: RoutingCatalog,
    private readonly states: AlertStateRepository,
    private readonly publisher: EventPublisher,
    @Inject(POLICY_ROUTER_ENV) private readonly env: Pick<PolicyRouterEnv, 'ALERTLARK_RESOLVE_TIMEOUT'>,
  ) {}

  async execute(event: AlertEvent, now = Date.now()): Promise<{ changes: number }> {
    const previous = await this.states.get(event.teamId, event.fingerprint);
    const endsAt = this.endsAtOf(event);
    const matched: MatchedGroup[] = matchPolicies(this.catalog.policiesOf(event.teamId), event.labels).map((policy) => {
      const labels = groupLabels(event.labels, policy.groupBy);
      return { policyId: policy.id, groupKey: groupKey(policy.id, labels), groupLabels: labels };
    });
    const plan = planAlertChange(
      previous && { status: previous.status, endsAt: previous.endsAt?.getTime() ?? null, groupKeys: previous.groupKeys, lastEventId: previous.lastEventId },
      event,
      endsAt,
      matched,
      now,
    );
    // Hand over first, then remember: a crash in between redelivers the event, which is handed
    // over again (the second stage is idempotent) instead of being lost.
    const partitions = EVENTS.groupedAlerts.partitions;
    await this.publisher.publish(
      EVENTS.groupedAlerts,
      plan.changes.map((change) => ({ key: change.groupKey, partition: partitionForKey(change.groupKey, partitions), value: change })),
    );
    if (previous && plan.changes.length === 0 && !this.worthSaving(previous, event, endsAt, Date.parse(event.receivedAt))) return { changes: 0 };
    await this.states.save({
      _id: alertStateId(event.teamId, event.fingerprint),
      teamId: event.teamId,
      fingerprint: event.fingerprint,
      status: event.status,
      labels: event.labels,
      annotations: event.annotations,
      startsAt: new Date(event.startsAt),
      endsAt: endsAt === null ? null : new Date(endsAt),
      ...(event.generatorURL ? { generatorURL: event.generatorURL } : {}),
      source: event.source,
      lastEventId: event.eventId,
      lastReceivedAt: new Date(event.receivedAt),
      groupKeys: plan.groupKeys,
    });
    if (plan.transition) {
      await this.states.recordHistory([
        { _id: `${event.eventId}:${plan.transition}`, teamId: event.teamId, fingerprint: event.fingerprint, at: new Date(event.receivedAt), kind: plan.transition },
      ]);
    }
    return { changes: plan.changes.length };
  }

  /**
   * Most events are re-sends of an unchanged alert, and a write for each would be the router's main
   * cost in a storm of re-sends, so a re-send is saved only when it says something new: other annotations, start or status, or an `endsAt` whose stored predecessor has
   * used up half of its window (the stored end always stays comfortably ahead while re-sends come).
   */
  private worthSaving(previous: AlertState, event: AlertEvent, endsAt: number | null, now: number): boolean {
    if (previous.status !== event.status || previous.startsAt.getTime() !== Date.parse(event.startsAt)) return true;
    if (JSON.stringify(previous.annotations) !== JSON.stringify(event.annotations) || (previous.generatorURL ?? '') !== (event.generatorURL ?? '')) return true;
    const storedEnd = previous.endsAt?.getTime() ?? null;
    if (storedEnd === null || endsAt === null) return storedEnd !== endsAt;
    return endsAt > storedEnd && storedEnd - now < (endsAt - now) / 2;
  }

  /**
   * Alertmanager sends firing alerts without an end: they end when it says resolved. An alert
   * pushed by Prometheus without `endsAt` ends after the resolve timeout unless pushed again.
   */
  private endsAtOf(event: AlertEvent): number | null {
    if (event.endsAt) return Date.parse(event.endsAt);
    if (event.source === 'prometheus') return Date.parse(event.receivedAt) + this.env.ALERTLARK_RESOLVE_TIMEOUT;
    return null;
  }
}
