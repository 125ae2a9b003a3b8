import { Schema } from 'mongoose';
import { outboxFieldDefinitions, type OutboxFields } from './config-outbox';
import type { CardConfig, DailyStatsConfig } from '@alertlark/contracts';

/** An app bot's settings: every credential sealed; the chat and API base URL in clear. */
export interface LarkAppDocument {
  appIdEncrypted: string;
  /** For masked display. */
  appIdTail: string;
  appSecretEncrypted: string;
  encryptKeyEncrypted: string;
  verificationTokenEncrypted: string;
  chatId: string;
  baseUrl: string;
}

/**
 * A Lark chatbot: a custom bot, whose webhook URL (it holds the bot token) and signing secret are
 * sealed, or an app bot (`app`).
 */
export interface NotificationObjectDocument extends OutboxFields {
  _id: string;
  teamId: string;
  name: string;
  webhookUrlEncrypted?: string;
  /** Kept in clear for search by host and for masked display (an app bot: its API host). */
  webhookHost: string;
  webhookTokenTail?: string;
  secretEncrypted?: string;
  app?: LarkAppDocument;
  keywords: string[];
  dailyStats?: DailyStatsConfig;
  card?: CardConfig;
  createdAt: Date;
  updatedAt: Date;
}

export const NOTIFICATION_OBJECT_MODEL = 'NotificationObject';

export const notificationObjectSchema = new Schema<NotificationObjectDocument>(
  {
    ...outboxFieldDefinitions,
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    name: { type: String, required: true },
    webhookUrlEncrypted: { type: String },
    webhookHost: { type: String, required: true },
    webhookTokenTail: { type: String },
    app: { type: Schema.Types.Mixed },
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
// Serves the config publisher's query for rows the topic lacks.
notificationObjectSchema.index({ unpublished: 1 });
