import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EVENTS, type ActionKind, type ActionRequested, type ActionSource, type Actor, type IncidentView, type LabelPair } from '@alertlark/contracts';
import { EventPublisher, alertPartition } from '@alertlark/kafka';
import { AlertGroupRepository, SilenceRepository, type AlertGroupRecord } from '@alertlark/persistence';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { configEventOf, publishConfig } from './config-events';

export interface ActionAsked {
  action: ActionKind;
  actor: Actor;
  source: ActionSource;
  /** The incident a link or button was made for. */
  incidentId?: string;
  /** For `silence`. */
  durationMs?: number;
  comment?: string;
}

export interface ActionResult {
  actionId: string;
  /** `pending`: the router has not decided within the wait; the decision will still come. */
  outcome: 'applied' | 'refused' | 'pending';
  reason?: string;
  incident?: IncidentView | null;
  silenceId?: string;
  group: AlertGroupRecord;
}

const POLL_MS = 100;

/** An equality matcher in the syntax silences take (`name="value"`, value escaped as a Go string). */
function equalityMatcher({ name, value }: LabelPair): string {
  return `${name}=${JSON.stringify(value)}`;
}

/**
 * Asks the router to act on a group: the request goes on `alertlark.actions.v1` (keyed by group,
 * on its team's partition, where the router that owns the group decides it), and the router's
 * decision is awaited in the read model for a few seconds. A silence is made here first, as a
 * real silence on the group's labels, listed and expirable like any other.
 */
@Injectable()
export class AlertGroupActionsUseCase {
  constructor(
    private readonly groups: AlertGroupRepository,
    private readonly silences: SilenceRepository,
    private readonly publisher: EventPublisher,
    @Inject(CONSOLE_ENV) private readonly env: ConsoleEnv,
  ) {}

  async group(teamId: string, groupId: string): Promise<AlertGroupRecord> {
    const group = await this.groups.get(teamId, groupId);
    if (!group) throw new NotFoundException({ error: 'not_found', message: `no alert group ${groupId}` });
    return group;
  }

  async act(teamId: string, groupId: string, asked: ActionAsked, waitMs = this.env.CONSOLE_ACTION_WAIT_MS): Promise<ActionResult> {
    const group = await this.group(teamId, groupId);
    const now = new Date();
    const silence = asked.action === 'silence' ? await this.silence(group, asked, now) : undefined;
    const actionId = `act_${randomBytes(12).toString('hex')}`;
    const request: ActionRequested = {
      type: 'action.requested',
      actionId,
      teamId,
      groupId,
      ...(asked.incidentId ? { incidentId: asked.incidentId } : {}),
      action: asked.action,
      actor: asked.actor,
      source: asked.source,
      ...(silence ? { silence: { id: silence.id, endsAt: silence.endsAt.toISOString() } } : {}),
      requestedAt: now.toISOString(),
    };
    await this.publisher.publish(EVENTS.actions, [{ key: groupId, value: request, partition: alertPartition(teamId) }]);
    const decided = await this.decision(teamId, actionId, waitMs);
    return {
      actionId,
      outcome: decided?.outcome ?? 'pending',
      ...(decided?.reason ? { reason: decided.reason } : {}),
      ...(decided ? { incident: decided.incident ?? null } : {}),
      ...(silence ? { silenceId: silence.id } : {}),
      group,
    };
  }

  /** A silence of the group's labels for the asked duration, created and published like the API's. */
  private async silence(group: AlertGroupRecord, asked: ActionAsked, now: Date): Promise<{ id: string; endsAt: Date }> {
    if (group.groupLabels.length === 0) {
      throw new ConflictException({ error: 'not_silenceable', message: 'this group has no labels to silence it by (its policy groups by nothing); silence its alerts in the console' });
    }
    const endsAt = new Date(now.getTime() + (asked.durationMs ?? 3_600_000));
    const record = await this.silences.create({
      _id: `sil_${randomBytes(8).toString('hex')}`,
      teamId: group.teamId,
      matchers: group.groupLabels.map(equalityMatcher),
      startsAt: now,
      endsAt,
      comment: asked.comment ?? 'from Lark',
      createdBy: asked.actor.name,
      createdAt: now,
      updatedAt: now,
    });
    await publishConfig(this.publisher, configEventOf.silence(record));
    return { id: record._id, endsAt };
  }

  private async decision(teamId: string, actionId: string, waitMs: number) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const action = await this.groups.action(teamId, actionId);
      if (action?.outcome) return action;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
