import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EVENTS, isDailySummary, type LarkNotification } from '@alertlark/contracts';
import { BatchConsumer, EventPublisher, type ConsumedBatch } from '@alertlark/kafka';
import { DeliveryLedgerRepository, PendingNotificationRepository } from '@alertlark/persistence';
import { JsonLogger, KAFKA, Readiness } from '@alertlark/service-kit';
import { BotQueues } from './bot-queues';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { LARK_SENDER_ENV, type LarkSenderEnv } from './lark-sender.env';

/**
 * Takes notifications off Kafka into `pending_notifications` and this replica's bot queues. The
 * offset is committed once the notification is stored, so a slow or rate-limited chatbot never
 * holds up the partition, and nothing is lost: a replica that takes the partition over (or this one
 * after a restart) loads what is still pending. Notifications are keyed by chatbot, so the replica
 * owning a partition owns its bots: on each assignment the queues are rebuilt from MongoDB, and
 * from a rebalance's start until then this replica sends for no bot.
 */
/** Alerts the durable copy of a notification keeps; its totals still count them all. */
export const STORED_ALERTS = 100;

/**
 * What `pending_notifications` keeps of a notification: only a replica taking the bot over after a
 * crash reads it back. A storm's notifications carry up to 500 alerts each, and writing them whole
 * was most of FerretDB's work at 1,000 alerts/s, holding every card up; a card lists what fits in
 * 20 KB anyway, and its counts come from the totals, kept for every alert.
 */
export function storedCopy(notification: LarkNotification): LarkNotification {
  if (isDailySummary(notification) || notification.alerts.length <= STORED_ALERTS) return notification;
  const firing = notification.alerts.filter((alert) => alert.status === 'firing').length;
  return { ...notification, alerts: notification.alerts.slice(0, STORED_ALERTS), totals: notification.totals ?? { firing, resolved: notification.alerts.length - firing } };
}

@Injectable()
export class NotificationInbox implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: BatchConsumer<typeof EVENTS.notifications>;
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
      handleBatch: (batch) => this.store(batch),
    });
  }

  /**
   * A batch at a time: one ledger lookup per notification and one insert for the batch. A storm
   * puts hundreds of notifications on one partition, and kafkajs fetches no partition again until
   * every batch of the fetch is handled, so a slow inbox would hold up every other bot's cards.
   */
  private async store({ partition, events }: ConsumedBatch<LarkNotification>): Promise<void> {
    const finished = await this.ledger.finishedAmong(events.map((event) => event.value.notificationId));
    const receivedAt = new Date();
    const entries = events
      .filter((event) => !finished.has(event.value.notificationId))
      .map(({ offset, value: notification }) => ({ _id: notification.notificationId, partition, offset, objectId: notification.objectId, receivedAt, notification }));
    await this.pending.addMany(entries.map((entry) => ({ ...entry, notification: storedCopy(entry.notification) })));
    for (const entry of entries) this.queues.add(entry);
    if (entries.length > 0) this.dispatcher.wake();
  }

  /** Keeps the bots of these partitions (none while a rebalance is under way) and loads what they have pending. */
  private assign(partitions: ReadonlySet<number>): void {
    this.queues
      .assign(partitions, (added) => this.pending.ofPartitions(added))
      .then(() => this.dispatcher.wake())
      .catch((error: unknown) => this.logger.event('error', 'could not load pending notifications', { error: String(error) }));
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
