import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { EventPublisher, PartitionOwnerConsumer, consumeEvent } from '@alertlark/kafka';
import { DeliveryLedgerRepository, PendingNotificationRepository } from '@alertlark/persistence';
import { JsonLogger, KAFKA, Readiness, ShutdownSignal } from '@alertlark/service-kit';
import { BotQueues } from './bot-queues';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { LARK_SENDER_ENV, type LarkSenderEnv } from './lark-sender.env';

/**
 * Takes notifications off Kafka into `pending_notifications` and this replica's bot queues. The
 * offset is committed once the notification is stored, so a slow or rate-limited chatbot never
 * holds up the partition, and nothing is lost: a replica that takes the partition over (or this one
 * after a restart) loads what is still pending.
 */
@Injectable()
export class NotificationInbox implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: PartitionOwnerConsumer;
  private started = false;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(LARK_SENDER_ENV) env: LarkSenderEnv,
    publisher: EventPublisher,
    private readonly ledger: DeliveryLedgerRepository,
    private readonly pending: PendingNotificationRepository,
    private readonly queues: BotQueues,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly logger: JsonLogger,
    shutdown: ShutdownSignal,
    private readonly readiness: Readiness,
  ) {
    this.consumer = new PartitionOwnerConsumer(kafka, {
      groupId: `${env.ALERTLARK_CONSUMER_GROUP_PREFIX}.lark-sender`,
      topic: EVENTS.notifications.topic,
      fromBeginning: env.ALERTLARK_CONSUMER_START === 'earliest',
      sessionTimeoutMs: env.LARK_SENDER_SESSION_TIMEOUT_MS,
      partitionsConsumedConcurrently: EVENTS.notifications.partitions,
      onAssignment: (partitions) => {
        this.queues
          .assign(partitions, (added) => this.pending.ofPartitions(added))
          .then(() => this.dispatcher.wake())
          .catch((error: unknown) => this.logger.event('error', 'could not load pending notifications', { error: String(error) }));
      },
      handle: (message, heartbeat) =>
        consumeEvent(
          publisher,
          EVENTS.notifications,
          message,
          async (notification) => {
            if (await this.ledger.isFinished(notification.notificationId)) return;
            const entry = { _id: notification.notificationId, partition: message.partition, offset: message.offset, objectId: notification.objectId, receivedAt: new Date(), notification };
            await this.pending.add(entry);
            this.queues.add(entry);
            this.dispatcher.wake();
          },
          {
            consumer: 'lark-sender',
            log: (level, text, fields) => logger.event(level, text, fields),
            heartbeat,
            isStopping: () => shutdown.isStopping(),
          },
        ),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('notifications-consumer', () => this.started && this.consumer.hasJoined());
    await this.consumer.start();
    this.started = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    await this.consumer.stop();
  }
}
