import { ConflictException, Inject, Injectable, NotFoundException, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { EVENTS, type ActionKind, type ActionRequested, type ActionSource, type Actor, type IncidentView, type LabelPair } from '@alertlark/contracts';
import { EventPublisher, alertPartition } from '@alertlark/kafka';
import { AlertGroupRepository, SilenceRepository, type AlertGroupRecord } from '@alertlark/persistence';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';
import { ConfigPublisher } from './config-publisher.service';
import { expiredTimes } from './silence-lifecycle';

export interface ActionAsked {
  action: ActionKind;
  actor: Actor;
  source: ActionSource;
  /** The incident a link or button was made for; by default the one the console knows of now. */
  incidentId?: string;
  /**
   * Makes asking again (a retry after an error) the same request: the action's id and its silence's
   * come from it, and the router decides an action id once. An action link passes its token's id.
   */
  idempotencyKey?: string;
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
const SWEEP_USED_LINKS_MS = 3_600_000;

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
export class AlertGroupActionsUseCase implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly groups: AlertGroupRepository,
    private readonly silences: SilenceRepository,
    private readonly publisher: EventPublisher,
    private readonly configPublisher: ConfigPublisher,
    @Inject(CONSOLE_ENV) private readonly env: ConsoleEnv,
  ) {}

  /** Used action links are kept until their token expires (the local server has no TTL indexes). */
  onApplicationBootstrap(): void {
    const sweep = () => void this.groups.forgetExpiredLinks(new Date()).catch(() => undefined);
    sweep();
    this.sweepTimer = setInterval(sweep, SWEEP_USED_LINKS_MS);
    this.sweepTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweepTimer);
  }

  async group(teamId: string, groupId: string): Promise<AlertGroupRecord> {
    const group = await this.groups.get(teamId, groupId);
    if (!group) throw new NotFoundException({ error: 'not_found', message: `no alert group ${groupId}` });
    return group;
  }

  /**
   * Throws only before the request is published (nothing asked: the caller may try again); once it
   * is, a failure to read the decision answers `pending`.
   */
  async act(teamId: string, groupId: string, asked: ActionAsked, waitMs: number | (() => number) = this.env.CONSOLE_ACTION_WAIT_MS): Promise<ActionResult> {
    const group = await this.group(teamId, groupId);
    // Refused here what the router would refuse, before a silence is made for nothing. A Lark
    // callback is exempt from the incident check: its card may be newer than this read model
    // (about a second behind the router), and the router refuses a stale incident itself.
    if (group.endedAt || !group.incident) throw new ConflictException({ error: 'no_incident', message: 'nothing fires in this alert group any more' });
    const incidentId = asked.incidentId ?? group.incident.id;
    if (incidentId !== group.incident.id && asked.source !== 'callback') throw new ConflictException({ error: 'incident_over', message: 'this incident is over; a newer one is under way' });
    const now = new Date();
    const key = asked.idempotencyKey ? createHash('sha256').update(asked.idempotencyKey).digest('hex').slice(0, 24) : randomBytes(12).toString('hex');
    const silence = asked.action === 'silence' ? await this.silence(group, asked, now, `sil_${key.slice(0, 16)}`) : undefined;
    const actionId = `act_${key}`;
    const request: ActionRequested = {
      type: 'action.requested',
      actionId,
      teamId,
      groupId,
      incidentId,
      action: asked.action,
      actor: asked.actor,
      source: asked.source,
      ...(silence ? { silence: { id: silence.id, endsAt: silence.endsAt.toISOString() } } : {}),
      requestedAt: now.toISOString(),
    };
    await this.publisher.publish(EVENTS.actions, [{ key: groupId, value: request, partition: alertPartition(teamId) }]);
    // A deadline (a callback's 3 s) is what is left of it once the request is out.
    const decided = await this.decision(teamId, actionId, typeof waitMs === 'function' ? waitMs() : waitMs).catch(() => undefined);
    // A silence for an action the router refused (the incident ended meanwhile) is taken back.
    if (silence && decided?.outcome === 'refused') await this.expire(group.teamId, silence.id).catch(() => undefined);
    return {
      actionId,
      outcome: decided?.outcome ?? 'pending',
      ...(decided?.reason ? { reason: decided.reason } : {}),
      ...(decided ? { incident: decided.incident ?? null } : {}),
      ...(silence ? { silenceId: silence.id } : {}),
      group,
    };
  }

  /**
   * A silence of the group's labels for the asked duration, created and published like the API's;
   * asked again with the same id (a retry), the one made the first time.
   */
  private async silence(group: AlertGroupRecord, asked: ActionAsked, now: Date, id: string): Promise<{ id: string; endsAt: Date }> {
    if (group.groupLabels.length === 0) {
      throw new ConflictException({ error: 'not_silenceable', message: 'this group has no labels to silence it by (its policy groups by nothing); silence its alerts in the console' });
    }
    const made = await this.silences.get(group.teamId, id);
    if (made) return { id, endsAt: made.endsAt };
    const endsAt = new Date(now.getTime() + (asked.durationMs ?? 3_600_000));
    const record = await this.silences.create({
      _id: id,
      teamId: group.teamId,
      matchers: group.groupLabels.map(equalityMatcher),
      startsAt: now,
      endsAt,
      comment: asked.comment ?? 'from Lark',
      createdBy: asked.actor.name,
      createdAt: now,
      updatedAt: now,
    });
    this.configPublisher.kick();
    return { id: record._id, endsAt };
  }

  private async expire(teamId: string, id: string): Promise<void> {
    const record = await this.silences.get(teamId, id);
    const now = new Date();
    const times = record ? expiredTimes(record, now) : null;
    if (!record || !times || !(await this.silences.updateTimes(teamId, id, record, { ...times, updatedAt: now }))) return;
    this.configPublisher.kick();
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
