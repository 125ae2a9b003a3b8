import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AlertEvent, NotificationEvent } from '@alertlark/contracts';
import { ConfigFeed } from '@alertlark/kafka';
import { JsonLogger } from '@alertlark/service-kit';
import { compilePolicy, groupKey, groupLabels, matchPolicies, type CompiledPolicy } from '@alertlark/routing';

/**
 * Decides which chatbots hear of an alert event: every enabled policy of the team whose matchers
 * all match notifies each of its objects. Ids are derived from the event, policy and object, so a
 * redelivered alert event yields the same notification ids and the sender's ledger drops repeats.
 */
@Injectable()
export class RouteAlertUseCase {
  private compiled = new Map<string, CompiledPolicy[]>();
  private compiledAt = -1;

  constructor(
    private readonly config: ConfigFeed,
    private readonly logger: JsonLogger,
  ) {}

  execute(event: AlertEvent): NotificationEvent[] {
    const notifications: NotificationEvent[] = [];
    for (const policy of matchPolicies(this.policiesOf(event.teamId), event.labels)) {
      if (event.status === 'resolved' && !policy.sendResolved) continue;
      const labels = groupLabels(event.labels, policy.groupBy);
      for (const objectId of policy.objectIds) {
        notifications.push({
          notificationId: createHash('sha256').update(`${event.eventId}/${policy.id}/${objectId}`).digest('hex').slice(0, 32),
          teamId: event.teamId,
          objectId,
          policyId: policy.id,
          groupKey: groupKey(policy.id, labels),
          groupLabels: labels,
          status: event.status,
          alerts: [
            {
              fingerprint: event.fingerprint,
              status: event.status,
              labels: event.labels,
              annotations: event.annotations,
              startsAt: event.startsAt,
              ...(event.endsAt ? { endsAt: event.endsAt } : {}),
              ...(event.generatorURL ? { generatorURL: event.generatorURL } : {}),
            },
          ],
          createdAt: new Date().toISOString(),
        });
      }
    }
    return notifications;
  }

  /** Policies are compiled once per configuration revision, not per alert. */
  private policiesOf(teamId: string): CompiledPolicy[] {
    if (this.compiledAt !== this.config.view.getRevision()) {
      this.compiled = new Map();
      this.compiledAt = this.config.view.getRevision();
    }
    let policies = this.compiled.get(teamId);
    if (!policies) {
      policies = this.config.view.policiesOf(teamId).flatMap((config) => {
        try {
          return [compilePolicy(config)];
        } catch (error) {
          // The console refuses such policies; one that slipped through must not stop the team's others.
          this.logger.event('error', 'policy skipped: it does not compile', { policyId: config.id, error: String(error) });
          return [];
        }
      });
      this.compiled.set(teamId, policies);
    }
    return policies;
  }
}
