import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Registry, type Counter } from 'prom-client';
import { EVENTS, routerStateContract, type AlertHistoryEvent, type RoutedAlert, type RouterStateRecord } from '@alertlark/contracts';
import { BatchConsumer, ConfigFeed, EventPublisher, ensureTopics, type ConsumedBatch } from '@alertlark/kafka';
import { AlertStateRepository, alertStateId, type AlertHistoryEntry, type AlertState } from '@alertlark/persistence';
import { JsonLogger, KAFKA, counter } from '@alertlark/service-kit';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';
import { ROUTER_FETCH_BYTES } from './restore-partitions';

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

export function historyEntryOf(event: AlertHistoryEvent): AlertHistoryEntry {
  const { id, at, ...rest } = event;
  return { _id: id, at: new Date(at), ...rest };
}

/**
 * Projects the router's changelog and alert history into MongoDB for the console, off the
 * routing path: one bulk write per batch, latest state per alert. Tombstones are not projected
 * (the router forgets resolved alerts; the console still lists them), nor are alerts of a deleted
 * team (the console removed its rows). States and history are consumed by two consumers: a fetch
 * waits for every batch it returned, so one consumer of both held the states (a team's changelog
 * is one partition) behind the history of every partition.
 */
@Injectable()
export class ReadModelProjector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumers: [BatchConsumer<ReturnType<typeof routerStateContract>>, BatchConsumer<typeof EVENTS.alertHistory>];
  private readonly projected: Counter;
  private readonly changelog: ReturnType<typeof routerStateContract>;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(POLICY_ROUTER_ENV) env: PolicyRouterEnv,
    publisher: EventPublisher,
    private readonly alerts: AlertStateRepository,
    private readonly config: ConfigFeed,
    logger: JsonLogger,
    registry: Registry,
  ) {
    this.changelog = routerStateContract(env.ALERTLARK_CONSUMER_GROUP_PREFIX);
    this.projected = counter(registry, 'alertlark_router_read_model_writes_total', 'Alert states and history entries written to the read model', ['kind']);
    const common = {
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      publisher,
      log: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => logger.event(level, message, fields),
      partitionsConsumedConcurrently: 4,
      maxBytesPerFetch: ROUTER_FETCH_BYTES,
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
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, [this.changelog]);
    for (const consumer of this.consumers) await consumer.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  private deleted(teamId: string): boolean {
    return this.config.view.isDeletedTeam(teamId);
  }

  private async projectHistory(batch: ConsumedBatch<AlertHistoryEvent>): Promise<void> {
    const entries = batch.events.map((event) => event.value).filter((event) => !this.deleted(event.teamId));
    await this.alerts.recordHistory(entries.map(historyEntryOf));
    this.projected.inc({ kind: 'history' }, entries.length);
  }

  private async projectStates(batch: ConsumedBatch<RouterStateRecord | null>): Promise<void> {
    const latest = new Map<string, AlertState>();
    for (const { value } of batch.events) {
      if (value?.kind !== 'alert' || this.deleted(value.teamId)) continue;
      const state = alertStateOf(value);
      latest.set(state._id, state);
    }
    await this.alerts.saveMany([...latest.values()]);
    this.projected.inc({ kind: 'alert' }, latest.size);
  }
}
