import { Schema } from 'mongoose';

/**
 * When a chatbot's recent requests went out (ms, last minute only): Lark's 5/s and 100/min hold per
 * bot, so the replica that takes a bot over must know what its previous owner sent.
 */
export interface BotRateWindowDocument {
  _id: string; // objectId
  sentAt: number[];
}

export const BOT_RATE_WINDOW_MODEL = 'BotRateWindow';

export const botRateWindowSchema = new Schema<BotRateWindowDocument>(
  {
    _id: { type: String, required: true },
    sentAt: { type: [Number], required: true },
  },
  { collection: 'bot_rate_windows', versionKey: false },
);
