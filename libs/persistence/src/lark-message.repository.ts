import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { Schema, type Model } from 'mongoose';
import { deleteOlderThan } from './retention.sweeper';

/**
 * A card an app bot posted (lark-sender's own database): its Lark message id, and for a group's
 * alert card the notification it was rendered from, so that the card can be rendered again with
 * the group's new state and edited in place (PATCH) when someone claims, resolves or silences it.
 */
export interface LarkMessageDocument {
  _id: string; // Lark's message id
  teamId: string;
  objectId: string;
  notificationId: string;
  /** The group's alert card: its group, and the notification as JSON. */
  groupId?: string;
  notification?: string;
  sentAt: Date;
}

export const LARK_MESSAGE_MODEL = 'LarkMessage';

export const larkMessageSchema = new Schema<LarkMessageDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    objectId: { type: String, required: true },
    notificationId: { type: String, required: true },
    groupId: String,
    notification: String,
    sentAt: { type: Date, required: true },
  },
  { collection: 'lark_messages', versionKey: false },
);
// Serves a group's recent cards of one chatbot, newest first.
larkMessageSchema.index({ teamId: 1, objectId: 1, groupId: 1, sentAt: -1 });
// Serves lark-sender's retention sweeper (cards too old to be edited any more).
larkMessageSchema.index({ sentAt: 1 });

@Injectable()
export class LarkMessageRepository {
  constructor(@InjectModel(LARK_MESSAGE_MODEL) private readonly messages: Model<LarkMessageDocument>) {}

  /** Records a posted card; posting the same card again (Lark answered the first message for its uuid) changes nothing. */
  async record(message: LarkMessageDocument): Promise<void> {
    await this.messages.updateOne({ _id: message._id }, { $setOnInsert: message }, { upsert: true }).exec();
  }

  /** Deletes up to `limit` cards sent before `cutoff` (the retention sweeper's batch). */
  deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    return deleteOlderThan(this.messages, 'sentAt', cutoff, limit);
  }

  /** The chatbot's newest alert cards of the group sent since `since`, at most `limit`. */
  recentOfGroup(teamId: string, objectId: string, groupId: string, since: Date, limit: number): Promise<LarkMessageDocument[]> {
    return this.messages.find({ teamId, objectId, groupId, sentAt: { $gte: since } }).sort({ sentAt: -1 }).limit(limit).lean<LarkMessageDocument[]>().exec();
  }
}

@Module({
  imports: [MongooseModule.forFeature([{ name: LARK_MESSAGE_MODEL, schema: larkMessageSchema }])],
  providers: [LarkMessageRepository],
  exports: [LarkMessageRepository],
})
export class LarkMessageModule {}
