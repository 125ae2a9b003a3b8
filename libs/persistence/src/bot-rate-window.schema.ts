import { Schema } from 'mongoose';

/**
 * When a bot's recent requests went out (ms, last minute only): Lark's 5/s and 100/min hold per
 * bot (its webhook, whichever chatbots post to it), so the replica that takes a bot over must know
 * what its previous owner sent. Rows written before webhook keys are under a chatbot's id; they
 * stop counting a minute after their last request.
 */
export interface BotRateWindowDocument {
  /** The bot key: its webhook's key (`webhookKey`), or a chatbot id for notifications keyed before webhook keys. */
  _id: string;
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
