import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EVENTS, type LarkNotification } from '@alertlark/contracts';
import { backoffDelayMs } from '@alertlark/lark';
import { BatchConsumer, EventPublisher, type ConsumedBatch } from '@alertlark/kafka';
import { DeliveryLedgerRepository, type DeliveryLedgerEntry } from '@alertlark/persistence';
import { JsonLogger, KAFKA, Readiness } from '@alertlark/service-kit';
import { BotQueues } from './bot-queues';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { recordedDeliveryEvent } from './delivery-event';
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
  /** Bumped at every assignment: lookups begun before it are dropped. */
  private generation = 0;
  /** Per partition and webhook key, the lookups under way, chained: a bot's notifications are queued in order. */
  private readonly checks = new Map<string, Promise<void>>();

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(LARK_SENDER_ENV) env: LarkSenderEnv,
    private readonly publisher: EventPublisher,
    private readonly ledger: DeliveryLedgerRepository,
    private readonly progress: PartitionProgress,
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
      committable: (_topic, partition) => this.progress.committable(partition),
      handleBatch: (batch) => this.store(batch),
    });
  }

  /**
   * A batch at a time, nothing written: its offsets are taken at once (so none is committed before
   * it is finished), and the ledger lookup that drops notifications already finished (a replay, or
   * a partition taken over) happens off the fetch path. kafkajs fetches no partition again until
   * every batch of the fetch is handled, and a storm's batch is hundreds of lookups (FerretDB scans
   * `_id: {$in}`, so they go a few at a time): waiting for them here held every other webhook's
   * next notification for seconds.
   */
  private async store(batch: ConsumedBatch<LarkNotification>): Promise<void> {
    const { partition, events } = batch;
    for (const { offset } of events) this.progress.take(partition, Number(offset));
    const receivedAt = new Date();
    const generation = this.generation;
    // One bot's lookups in order, each bot on its own: a quiet bot whose webhook shares a partition
    // with a storming one waited behind the storm's lookups, seconds with the database busy.
    const byBot = new Map<string, ConsumedBatch<LarkNotification>['events'][number][]>();
    for (const event of events) {
      const botKey = event.key ?? event.value.objectId;
      const ofBot = byBot.get(botKey);
      if (ofBot) ofBot.push(event);
      else byBot.set(botKey, [event]);
    }
    for (const [botKey, ofBot] of byBot) {
      const chain = `${partition}/${botKey}`;
      const previous = this.checks.get(chain) ?? Promise.resolve();
      const check = previous.then(() => this.checkAndQueue(partition, generation, ofBot, receivedAt));
      this.checks.set(chain, check);
      void check.finally(() => {
        if (this.checks.get(chain) === check) this.checks.delete(chain);
      });
    }
  }

  /**
   * Queues what the ledger does not know as finished, and publishes again the outcome of what it
   * does (a sender killed after its ledger write published none: the deliveries record would lack
   * it for good; downstream keeps each outcome once). Retried until both succeed, unless the
   * partition moved.
   */
  private async checkAndQueue(partition: number, generation: number, events: ConsumedBatch<LarkNotification>['events'], receivedAt: Date): Promise<void> {
    let finished: Map<string, DeliveryLedgerEntry> | undefined;
    for (let attempt = 1; finished === undefined; attempt++) {
      if (generation !== this.generation) return;
      try {
        const rows = await this.ledger.finishedAmong(events.map((event) => event.value.notificationId));
        const recorded = events.flatMap(({ value: notification }) => {
          const row = rows.get(notification.notificationId);
          return row ? [{ key: notification.objectId, value: recordedDeliveryEvent(notification, row) }] : [];
        });
        if (recorded.length > 0) await this.publisher.publish(EVENTS.deliveries, recorded);
        finished = rows;
      } catch (error) {
        this.logger.event('error', 'delivery ledger lookup or outcome republish failed; retrying', { partition, attempt, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, { baseMs: 200, maxMs: 10_000 })));
      }
    }
    // Reassigned meanwhile: Kafka hands these again, from the committed offset, to whoever owns the partition now.
    if (generation !== this.generation) return;
    let queued = 0;
    for (const { offset, key, value: notification } of events) {
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
    this.generation++;
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
    this.generation++;
  }
}
