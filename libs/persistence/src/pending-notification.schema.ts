import { Schema } from 'mongoose';
import type { LarkNotification } from '@alertlark/contracts';

/**
 * A notification lark-sender has taken off Kafka and not finished yet: the offset is committed once
 * it is here, so a replica that takes over the partition (or a restart) finds it again.
 */
export interface PendingNotificationDocument {
  _id: string; // notificationId
  partition: number;
  /** Kafka offset it was read at, for the dead-letter entry should it come to that. */
  offset: string;
  objectId: string;
  receivedAt: Date;
  notification: LarkNotification;
}

export const PENDING_NOTIFICATION_MODEL = 'PendingNotification';

export const pendingNotificationSchema = new Schema<PendingNotificationDocument>(
  {
    _id: { type: String, required: true },
    partition: { type: Number, required: true },
    offset: { type: String, required: true },
    objectId: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    notification: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'pending_notifications', versionKey: false },
);
pendingNotificationSchema.index({ partition: 1 });
