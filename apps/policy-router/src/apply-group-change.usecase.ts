import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EVENTS, type GroupedAlertEvent } from '@alertlark/contracts';
import { partitionForKey } from '@alertlark/kafka';
import { AlertGroupRepository, groupMemberId, type AlertGroup } from '@alertlark/persistence';
import { flushAtOnChange } from '@alertlark/routing';
import { RoutingCatalog } from './routing-catalog';

/**
 * The second stage, per group: record the alert's membership and, when it joined or changed
 * status, set the group's durable timer the way Alertmanager would (group wait for a new group,
 * the next group-interval tick for a flushed one). Applying the same change twice is harmless.
 */
@Injectable()
export class ApplyGroupChangeUseCase {
  constructor(
    private readonly groups: AlertGroupRepository,
    private readonly catalog: RoutingCatalog,
  ) {}

  async execute(change: GroupedAlertEvent, now = Date.now()): Promise<void> {
    if (change.change === 'leave') {
      await this.groups.removeMember(change.groupKey, change.fingerprint);
      return;
    }
    const policy = this.catalog.policy(change.teamId, change.policyId);
    // The policy was deleted since the first stage matched it: the group has no future.
    if (!policy) return;
    const member = await this.groups.member(change.groupKey, change.fingerprint);
    await this.groups.saveMember({
      _id: groupMemberId(change.groupKey, change.fingerprint),
      groupKey: change.groupKey,
      teamId: change.teamId,
      fingerprint: change.fingerprint,
      status: change.status,
      eventId: change.eventId,
    });
    if (member?.status === change.status) return;
    const group: AlertGroup = (await this.groups.get(change.groupKey)) ?? {
      _id: change.groupKey,
      teamId: change.teamId,
      policyId: change.policyId,
      groupLabels: change.groupLabels,
      partition: partitionForKey(change.groupKey, EVENTS.groupedAlerts.partitions),
      incarnation: randomUUID(),
      flushAt: null,
      lastFlushAt: null,
      notificationSeq: 0,
      lastNotification: null,
    };
    const flushAt = flushAtOnChange(group, Date.parse(change.startsAt), policy, now);
    if (flushAt !== group.flushAt) await this.groups.save({ ...group, flushAt });
  }
}
