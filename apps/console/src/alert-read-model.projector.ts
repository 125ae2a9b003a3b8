import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Registry, type Counter } from 'prom-client';
import { EVENTS, alertGroupId, incidentView, parseRouterStateKey, routerStateContract, type ActionEvent, type AlertHistoryEvent, type RoutedAlert, type RoutedGroup, type RouterStateRecord } from '@alertlark/contracts';
import { BatchConsumer, EventPublisher, ensureTopics, type ConsumedBatch } from '@alertlark/kafka';
import { AlertGroupRepository, AlertStateRepository, TeamRepository, alertStateId, type AlertGroupRecord, type AlertHistoryEntry, type AlertState } from '@alertlark/persistence';
import { JsonLogger, KAFKA, counter } from '@alertlark/service-kit';
import { CONSOLE_ENV, type ConsoleEnv } from './console.env';

/** At most this much per fetch: a backlog's fetches are held in memory until written. */
const FETCH_BYTES = 2 * 1024 * 1024;

export function alertStateOf(alert: RoutedAlert): AlertState {
  return {
    _id: alertStateId(alert.teamId, alert.fingerprint),
    teamId: alert.teamId,
    fingerprint: alert.fingerprint,
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: new Date(alert.startsAt),
    endsAt: alert.endsAt === null ? null : new Date(alert.endsAt),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    source: alert.source,
    lastEventId: alert.lastEventId,
    lastReceivedAt: new Date(alert.lastReceivedAt),
    groupKeys: alert.groupKeys,
  };
}

export function alertGroupOf(group: RoutedGroup, at: Date): AlertGroupRecord {
  return {
    _id: alertGroupId(group.teamId, group.groupKey),
    teamId: group.teamId,
    groupKey: group.groupKey,
    policyId: group.policyId,
    groupLabels: group.groupLabels,
    incident: group.incident ? incidentView(group.incident) : null,
    updatedAt: at,
    endedAt: null,
  };
}

export function historyEntryOf(event: AlertHistoryEvent): AlertHistoryEntry {
  const { id, at, ...rest } = event;
  return { _id: id, at: new Date(at), ...rest };
}

/**
 * Projects policy-router's changelog and alert history into MongoDB for the console's alert views:
 * one bulk write per batch, latest state per alert. Tombstones are not projected (the router
 * forgets resolved alerts; the console still lists them), nor are alerts of a deleted team (the
 * console removed its rows). States and history are consumed by two consumers: a fetch waits for
 * every batch it returned, so one consumer of both held the states (a team's changelog is one
 * partition) behind the history of every partition.
 *
 * It runs in the console, not in the router: the router's process then holds routing state only
 * (its RSS with 100,000 alerts fell from ~520-610 MB to ~480 MB) and its event loop never waits
 * behind BSON encoding and driver work (3,000 documents a second at 1,000 alerts/s). The consumer
 * groups keep their `policy-router.read-model` names, so an upgrade goes on from where the
 * router's projector stopped.
 */
@Injectable()
export class AlertReadModelProjector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumers: [BatchConsumer<ReturnType<typeof routerStateContract>>, BatchConsumer<typeof EVENTS.alertHistory>, BatchConsumer<typeof EVENTS.actions>];
  private readonly projected: Counter;
  /**
   * What was last written of each group (its incident and policy), by group key: a group's record
   * changes at every flush (timers, the notification log), which the console does not show, and a
   * storm's hundreds of groups rewritten every interval kept the database busy for everyone.
   */
  private readonly projectedGroups = new Map<string, string>();
  private readonly changelog: ReturnType<typeof routerStateContract>;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONSOLE_ENV) env: ConsoleEnv,
    publisher: EventPublisher,
    private readonly alerts: AlertStateRepository,
    private readonly groups: AlertGroupRepository,
    private readonly teams: TeamRepository,
    logger: JsonLogger,
    registry: Registry,
  ) {
    this.changelog = routerStateContract(env.ALERTLARK_CONSUMER_GROUP_PREFIX);
    this.projected = counter(registry, 'alertlark_console_read_model_writes_total', 'Alert states and history entries written to the read model', ['kind']);
    const common = {
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      publisher,
      log: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => logger.event(level, message, fields),
      partitionsConsumedConcurrently: 4,
      maxBytesPerFetch: FETCH_BYTES,
      // Fewer, larger bulk writes: on FerretDB a document costs less in a larger insert, and the
      // read model may lag about a second anyway.
      gather: { minBytes: 256 * 1024, maxWaitMs: 500 },
    };
    this.consumers = [
      new BatchConsumer(kafka, {
        ...common,
        name: 'policy-router.read-model',
        groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.policy-router.read-model`,
        contracts: [this.changelog],
        handleBatch: (batch) => this.projectStates(batch),
      }),
      new BatchConsumer(kafka, {
        ...common,
        name: 'policy-router.read-model-history',
        groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.policy-router.read-model-history`,
        contracts: [EVENTS.alertHistory],
        handleBatch: (batch) => this.projectHistory(batch),
      }),
      // Requests and decisions: an action link's page waits for its decision here, so no gathering.
      new BatchConsumer(kafka, {
        ...common,
        gather: undefined,
        name: 'console.actions',
        groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.console.actions`,
        contracts: [EVENTS.actions],
        handleBatch: (batch) => this.projectActions(batch),
      }),
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, [this.changelog]);
    for (const consumer of this.consumers) await consumer.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  private async projectHistory(batch: ConsumedBatch<AlertHistoryEvent>): Promise<void> {
    const teams = await this.teams.existingAmong(batch.events.map((event) => event.value.teamId));
    const entries = batch.events.map((event) => event.value).filter((event) => teams.has(event.teamId));
    await this.alerts.recordHistory(entries.map(historyEntryOf));
    this.projected.inc({ kind: 'history' }, entries.length);
  }

  private async projectActions(batch: ConsumedBatch<ActionEvent>): Promise<void> {
    const teams = await this.teams.existingAmong(batch.events.map((event) => event.value.teamId));
    const events = batch.events.map((event) => event.value).filter((event) => teams.has(event.teamId));
    await this.groups.recordRequests(
      events.flatMap((event) =>
        event.type === 'action.requested'
          ? [{ _id: event.actionId, teamId: event.teamId, groupId: event.groupId, action: event.action, actor: event.actor, source: event.source, requestedAt: new Date(event.requestedAt), ...(event.incidentId ? { incidentId: event.incidentId } : {}), ...(event.silence ? { silenceId: event.silence.id } : {}) }]
          : [],
      ),
    );
    const decided = events.flatMap((event) => (event.type === 'action.decided' ? [event] : []));
    await this.groups.recordDecisions(
      decided.map((event) => ({
        _id: event.actionId,
        teamId: event.teamId,
        groupId: event.groupId,
        action: event.action,
        actor: event.actor,
        source: event.source,
        outcome: event.outcome,
        decidedAt: new Date(event.decidedAt),
        incident: event.incident,
        ...(event.reason ? { reason: event.reason } : {}),
      })),
    );
    this.projected.inc({ kind: 'action' }, events.length);
  }

  private async projectStates(batch: ConsumedBatch<RouterStateRecord | null>): Promise<void> {
    await this.projectGroups(batch);
    const alerts = batch.events.flatMap(({ value }) => (value?.kind === 'alert' ? [value] : []));
    const teams = await this.teams.existingAmong(alerts.map((alert) => alert.teamId));
    const latest = new Map<string, AlertState>();
    for (const value of alerts) {
      if (!teams.has(value.teamId)) continue;
      const state = alertStateOf(value);
      latest.set(state._id, state);
    }
    await this.alerts.saveMany([...latest.values()]);
    this.projected.inc({ kind: 'alert' }, latest.size);
  }

  /** The latest record of each group; a tombstone (the group dropped, all its alerts cleared) ends it. */
  private async projectGroups(batch: ConsumedBatch<RouterStateRecord | null>): Promise<void> {
    const latest = new Map<string, AlertGroupRecord>();
    // Ended in this batch and not created again after.
    const ended = new Set<string>();
    const now = new Date();
    // Written once the batch's writes succeed: a batch retried after a failed write writes again.
    const shownNow = new Map<string, string | null>();
    for (const { key, value } of batch.events) {
      if (value?.kind === 'group') {
        const shown = JSON.stringify([value.policyId, value.incident ? incidentView(value.incident) : null]);
        ended.delete(value.groupKey);
        if ((shownNow.has(value.groupKey) ? shownNow.get(value.groupKey) : this.projectedGroups.get(value.groupKey)) === shown) continue;
        shownNow.set(value.groupKey, shown);
        latest.set(value.groupKey, alertGroupOf(value, now));
      } else if (value === null && key) {
        const parsed = parseRouterStateKey(key);
        if (parsed?.kind !== 'group') continue;
        latest.delete(parsed.groupKey);
        shownNow.set(parsed.groupKey, null);
        ended.add(parsed.groupKey);
      }
    }
    const teams = await this.teams.existingAmong([...latest.values()].map((group) => group.teamId));
    const groups = [...latest.values()].filter((group) => teams.has(group.teamId));
    await this.groups.markEnded([...ended], now);
    await this.groups.saveMany(groups);
    for (const [groupKey, shown] of shownNow) {
      if (shown === null) this.projectedGroups.delete(groupKey);
      else this.projectedGroups.set(groupKey, shown);
    }
    this.projected.inc({ kind: 'group' }, groups.length + ended.size);
  }
}
