import { Schema } from 'mongoose';
import type { DeliveryOutcome } from '@alertlark/contracts';

/**
 * One attempt lark-sender made, projected by the console from `alertlark.deliveries.v1`. `_id` is
 * the event's `deliveryId`: a redelivered event is one insert that skips, and FerretDB answers by
 * `_id` without a scan.
 */
export interface DeliveryAuditDocument {
  _id: string; // deliveryId
  teamId: string;
  objectId: string;
  notificationId: string;
  digestId?: string;
  attempt: number;
  outcome: DeliveryOutcome;
  httpStatus?: number;
  larkCode?: number;
  larkMsg?: string;
  error?: string;
  alertCount: number;
  at: Date;
  durationMs: number;
}

export const DELIVERY_AUDIT_MODEL = 'DeliveryAudit';

export const deliveryAuditSchema = new Schema<DeliveryAuditDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    objectId: { type: String, required: true },
    notificationId: { type: String, required: true },
    digestId: String,
    attempt: { type: Number, required: true },
    outcome: { type: String, required: true },
    httpStatus: Number,
    larkCode: Number,
    larkMsg: String,
    error: String,
    alertCount: { type: Number, required: true },
    at: { type: Date, required: true },
    durationMs: { type: Number, required: true },
  },
  { collection: 'deliveries', versionKey: false },
);
// Serves GET /deliveries?objectId= (one chatbot's attempts, newest first; outcome and
// notificationId and digestId filter within it). On FerretDB's SQLite backend the find scans anyway.
deliveryAuditSchema.index({ teamId: 1, objectId: 1, at: -1 });
// Serves GET /deliveries without objectId (the whole team's attempts, newest first; a digest's
// attempts, `?digestId=` from a digest card's link, are found within it).
deliveryAuditSchema.index({ teamId: 1, at: -1 });
// Serves the console's retention sweeper (attempts older than ALERTLARK_RETENTION_DELIVERIES_DAYS).
deliveryAuditSchema.index({ at: 1 });
