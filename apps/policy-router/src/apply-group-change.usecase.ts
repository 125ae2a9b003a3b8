import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EVENTS, type GroupedAlertEvent } from '@alertlark/contracts';
import { partitionForKey } from '@alertlark/kafka';
import { AlertGroupRepository, type AlertGroup } from '@alertlark/persistence';
import { flushAtOnChange } from '@alertlark/routing';
import { GroupTimers } from './group-timers';
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
    private readonly timers: GroupTimers,
    private readonly catalog: RoutingCatalog,
  ) {}

  async execute(change: GroupedAlertEvent, now = Date.now()): Promise<void> {
    const stored = await this.groups.get(change.groupKey);
    if (change.change === 'leave') {
      if (!stored?.members.some((member) => member.fingerprint === change.fingerprint)) return;
      await this.groups.save({ ...stored, members: stored.members.filter((member) => member.fingerprint !== change.fingerprint) });
      return;
    }
    const policy = this.catalog.policy(change.teamId, change.policyId);
    // The policy was deleted since the first stage matched it: the group has no future.
    if (!policy) return;
    const group: AlertGroup = stored ?? {
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
      members: [],
    };
    // A quiet flush moves the timer in memory only; the replica's own copy is the current one.
    group.flushAt = this.timers.get(group._id) ?? group.flushAt;
    const previous = group.members.find((member) => member.fingerprint === change.fingerprint);
    if (previous?.status === change.status && previous.eventId === change.eventId) return;
    const members = [
      ...group.members.filter((member) => member.fingerprint !== change.fingerprint),
      { fingerprint: change.fingerprint, status: change.status, eventId: change.eventId },
    ];
    const flushAt = previous?.status === change.status ? group.flushAt : flushAtOnChange(group, Date.parse(change.startsAt), policy, now);
    await this.groups.save({ ...group, members, flushAt });
    this.timers.set(group._id, group.partition, flushAt);
  }
}
