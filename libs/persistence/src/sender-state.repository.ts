import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { BOT_RATE_WINDOW_MODEL, botRateWindowSchema, type BotRateWindowDocument } from './bot-rate-window.schema';
import { insertOnce } from './insert-once';
import { PENDING_NOTIFICATION_MODEL, pendingNotificationSchema, type PendingNotificationDocument } from './pending-notification.schema';

export type PendingNotification = PendingNotificationDocument;

const REMOVE_CONCURRENCY = 16;

/** lark-sender's unfinished notifications, kept until each is delivered, failed or dead-lettered. */
@Injectable()
export class PendingNotificationRepository {
  constructor(@InjectModel(PENDING_NOTIFICATION_MODEL) private readonly pending: Model<PendingNotificationDocument>) {}

  /** One insert for a batch; idempotent: a notification read twice (redelivery after a crash) is kept once. */
  addMany(entries: readonly PendingNotification[]): Promise<void> {
    return insertOnce(this.pending, entries);
  }

  /** What the partitions a replica was just assigned hold, oldest first. */
  async ofPartitions(partitions: readonly number[]): Promise<PendingNotification[]> {
    if (partitions.length === 0) return [];
    const rows = await this.pending.find({ partition: { $in: [...partitions] } }).lean<PendingNotification[]>().exec();
    return rows.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  /**
   * One delete by `_id` each, a few at a time: FerretDB's SQLite backend answers `_id: {$in}` with a
   * scan of the whole collection, and pending notifications are large (up to 500 alerts each), so
   * that scan cost every card hundreds of milliseconds while a storm's notifications waited.
   */
  async remove(notificationIds: readonly string[]): Promise<void> {
    for (let start = 0; start < notificationIds.length; start += REMOVE_CONCURRENCY) {
      await Promise.all(notificationIds.slice(start, start + REMOVE_CONCURRENCY).map((_id) => this.pending.deleteOne({ _id }).exec()));
    }
  }
}

/** Each chatbot's recent request instants, read by `_id` when a replica takes the bot over. */
@Injectable()
export class BotRateWindowRepository {
  constructor(@InjectModel(BOT_RATE_WINDOW_MODEL) private readonly windows: Model<BotRateWindowDocument>) {}

  async get(objectId: string): Promise<number[]> {
    const row = await this.windows.findOne({ _id: objectId }).lean<BotRateWindowDocument>().exec();
    return row?.sentAt ?? [];
  }

  async save(objectId: string, sentAt: readonly number[]): Promise<void> {
    await this.windows.updateOne({ _id: objectId }, { $set: { sentAt: [...sentAt] } }, { upsert: true }).exec();
  }
}

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: PENDING_NOTIFICATION_MODEL, schema: pendingNotificationSchema },
      { name: BOT_RATE_WINDOW_MODEL, schema: botRateWindowSchema },
    ]),
  ],
  providers: [PendingNotificationRepository, BotRateWindowRepository],
  exports: [PendingNotificationRepository, BotRateWindowRepository],
})
export class SenderStateModule {}
