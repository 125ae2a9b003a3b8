import { Schema } from 'mongoose';

/**
 * One row per notification lark-sender has finished with (delivered, or refused by Lark for good);
 * the unique id makes redelivery a no-op. A dead-lettered notification has no row, so a replay sends it.
 */
export interface DeliveryLedgerDocument {
  _id: string; // notificationId
  teamId: string;
  objectId: string;
  outcome: 'delivered' | 'failed';
  larkCode?: number;
  /** Set when the notification went out merged with others into one digest card. */
  digestId?: string;
  attempts: number;
  finishedAt: Date;
}

export const DELIVERY_LEDGER_MODEL = 'DeliveryLedger';

export const deliveryLedgerSchema = new Schema<DeliveryLedgerDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    objectId: { type: String, required: true },
    outcome: { type: String, required: true },
    larkCode: Number,
    digestId: String,
    attempts: { type: Number, required: true },
    finishedAt: { type: Date, required: true },
  },
  { collection: 'delivery_ledger', versionKey: false },
);
// Serves a chatbot's recent outcomes in the console.
deliveryLedgerSchema.index({ teamId: 1, objectId: 1, finishedAt: -1 });
// Serves lark-sender's retention sweeper (rows older than LARK_SENDER_LEDGER_RETENTION_DAYS).
deliveryLedgerSchema.index({ finishedAt: 1 });
