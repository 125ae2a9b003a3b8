import { Schema } from 'mongoose';
import type { CardConfig, DailyStatsConfig } from '@alertlark/contracts';

/** A Lark chatbot. The webhook URL (it holds the bot token) and the signing secret are sealed. */
export interface NotificationObjectDocument {
  _id: string;
  teamId: string;
  name: string;
  webhookUrlEncrypted: string;
  /** Kept in clear for search by host and for masked display. */
  webhookHost: string;
  webhookTokenTail: string;
  secretEncrypted?: string;
  keywords: string[];
  dailyStats?: DailyStatsConfig;
  card?: CardConfig;
  createdAt: Date;
  updatedAt: Date;
}

export const NOTIFICATION_OBJECT_MODEL = 'NotificationObject';

export const notificationObjectSchema = new Schema<NotificationObjectDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    name: { type: String, required: true },
    webhookUrlEncrypted: { type: String, required: true },
    webhookHost: { type: String, required: true },
    webhookTokenTail: { type: String, required: true },
    secretEncrypted: { type: String },
    keywords: { type: [String], default: [] },
    dailyStats: { type: Schema.Types.Mixed },
    card: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'notification_objects', versionKey: false },
);
// Serves the team's chatbot list, sorted by name, and its count against the cap.
notificationObjectSchema.index({ teamId: 1, name: 1 });
