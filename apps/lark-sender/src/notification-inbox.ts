import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EVENTS, type LarkNotification } from '@alertlark/contracts';
import { BatchConsumer, EventPublisher, type ConsumedBatch } from '@alertlark/kafka';
import { DeliveryLedgerRepository } from '@alertlark/persistence';
import { JsonLogger, KAFKA, Readiness } from '@alertlark/service-kit';
import { BotQueues } from './bot-queues';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { LARK_SENDER_ENV, type LarkSenderEnv } from './lark-sender.env';
import { PartitionProgress } from './partition-progress';

/**
 * Takes notifications off Kafka into this replica's bot queues, in memory. A slow or rate-limited
 * bot never holds up its partition (the next notifications are read on), and nothing is lost:
 * offsets are committed only up to the oldest notification not yet finished (`PartitionProgress`),
 * so a replica that takes the partition over (or this one after a restart) reads again from there,
 * and the delivery ledger drops what was finished meanwhile. Notifications are keyed by bot (their
 * chatbot's webhook key), so the replica owning a partition owns its bots, and a notification waits
 * in the queue of the key it came with; from a rebalance's start until the new assignment it sends
 * for no bot.
 */
@Injectable()
export class NotificationInbox implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof EVENTS.notifications>;
  private started = false;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(LARK_SENDER_ENV) env: LarkSenderEnv,
    publisher: EventPublisher,
    private readonly ledger: DeliveryLedgerRepository,
    private readonly progress: PartitionProgress,
    private readonly queues: BotQueues,
    private readonly dispatcher: DeliveryDispatcher,
    logger: JsonLogger,
    private readonly readiness: Readiness,
  ) {
    const log = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => logger.event(level, message, fields);
    this.consumer = new BatchConsumer(kafka, {
      name: 'lark-sender',
      groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.lark-sender`,
      contracts: [EVENTS.notifications],
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      publisher,
      log,
      sessionTimeoutMs: env.LARK_SENDER_SESSION_TIMEOUT_MS,
      partitionsConsumedConcurrently: EVENTS.notifications.partitions,
      onAssignment: (partitions) => this.assign(partitions),
      onRevocation: () => this.assign(new Set()),
      committable: (_topic, partition) => this.progress.committable(partition),
      handleBatch: (batch) => this.store(batch),
    });
  }

  /**
   * A batch at a time: one ledger lookup per notification, nothing written. A storm puts hundreds
   * of notifications on one partition, and kafkajs fetches no partition again until every batch of
   * the fetch is handled, so a slow inbox would hold up every other bot's cards.
   */
  private async store(batch: ConsumedBatch<LarkNotification>): Promise<void> {
    const { partition, events } = batch;
    const finished = await this.ledger.finishedAmong(events.map((event) => event.value.notificationId));
    // Revoked meanwhile: Kafka hands this batch again to whoever owns the partition now.
    if (!batch.isRunning()) throw new Error(`partition ${partition} was revoked`);
    const receivedAt = new Date();
    let queued = 0;
    for (const { offset, key, value: notification } of events) {
      this.progress.take(partition, Number(offset));
      if (finished.has(notification.notificationId)) {
        this.progress.finish(partition, Number(offset));
        continue;
      }
      this.queues.add({ _id: notification.notificationId, partition, offset, botKey: key ?? notification.objectId, objectId: notification.objectId, receivedAt, notification });
      queued++;
    }
    if (queued > 0) this.dispatcher.wake();
  }

  /**
   * A new assignment (or none, while a rebalance is under way): the bots of given-away partitions
   * are dropped, and Kafka hands every assigned partition again from its committed offset, the
   * oldest notification not finished; those already finished are found in the ledger.
   */
  private assign(partitions: ReadonlySet<number>): void {
    this.progress.reset();
    this.queues.assign(partitions);
    this.dispatcher.wake();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('notifications-consumer', () => this.started && this.consumer.hasJoined());
    await this.consumer.run();
    this.started = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    await this.consumer.stop();
  }
}
