import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { EventPublisher, PartitionOwnerConsumer, consumeEvent } from '@alertlark/kafka';
import { JsonLogger, KAFKA, Readiness, ShutdownSignal } from '@alertlark/service-kit';
import { ApplyGroupChangeUseCase } from './apply-group-change.usecase';
import { GroupLocks } from './group-locks';
import { GroupTimers } from './group-timers';
import { POLICY_ROUTER_ENV, type PolicyRouterEnv } from './policy-router.env';

/**
 * Second stage: group changes, keyed by group key. The replica that owns a partition of the
 * grouped-alerts topic owns the members and timers of every group on it.
 */
@Injectable()
export class GroupedAlertsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: PartitionOwnerConsumer;
  private started = false;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(POLICY_ROUTER_ENV) env: PolicyRouterEnv,
    publisher: EventPublisher,
    applyChange: ApplyGroupChangeUseCase,
    locks: GroupLocks,
    timers: GroupTimers,
    logger: JsonLogger,
    shutdown: ShutdownSignal,
    private readonly readiness: Readiness,
  ) {
    this.consumer = new PartitionOwnerConsumer(kafka, {
      groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.policy-router.groups`,
      topic: EVENTS.groupedAlerts.topic,
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      sessionTimeoutMs: env.POLICY_ROUTER_SESSION_TIMEOUT_MS,
      partitionsConsumedConcurrently: EVENTS.groupedAlerts.partitions,
      onAssignment: (partitions) => timers.assign(partitions),
      handle: (message, heartbeat) =>
        consumeEvent(publisher, EVENTS.groupedAlerts, message, (change) => locks.run(change.groupKey, () => applyChange.execute(change)), {
          consumer: 'policy-router.groups',
          log: (level, text, fields) => logger.event(level, text, fields),
          heartbeat,
          isStopping: () => shutdown.isStopping(),
        }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('grouped-alerts-consumer', () => this.started && this.consumer.hasJoined());
    await this.consumer.start();
    this.started = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    await this.consumer.stop();
  }
}
