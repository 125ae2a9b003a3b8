import { Schema } from 'mongoose';
import type { LabelPair } from '@alertlark/contracts';

/**
 * One policy's group of alerts with its durable timer, owned by the policy-router replica that
 * owns `partition` of the grouped-alerts topic. Times are epoch milliseconds.
 */
export interface AlertGroupDocument {
  _id: string; // group key
  teamId: string;
  policyId: string;
  groupLabels: LabelPair[];
  partition: number;
  /** Changes when a group is dropped and created again, so its notification ids never repeat. */
  incarnation: string;
  flushAt: number | null;
  lastFlushAt: number | null;
  /** Counts notifications sent; part of each notification's id. */
  notificationSeq: number;
  /** What the last notification said (Alertmanager's notification log). */
  lastNotification: { at: number; firing: string[]; resolved: string[] } | null;
  /**
   * The alerts in the group. Kept inside the group document: FerretDB's SQLite backend serves only
   * `_id` lookups without scanning, so everything a flush needs is one read by `_id`.
   */
  members: AlertGroupMember[];
}

/** An alert's membership of a group; `eventId` tells a flush whether it changed meanwhile. */
export interface AlertGroupMember {
  fingerprint: string;
  status: 'firing' | 'resolved';
  eventId: string;
}

export const ALERT_GROUP_MODEL = 'AlertGroup';
export const alertGroupSchema = new Schema<AlertGroupDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    policyId: { type: String, required: true },
    groupLabels: { type: [{ _id: false, name: String, value: String }], default: [] },
    partition: { type: Number, required: true },
    incarnation: { type: String, required: true },
    flushAt: { type: Number, default: null },
    lastFlushAt: { type: Number, default: null },
    notificationSeq: { type: Number, default: 0 },
    lastNotification: { type: Schema.Types.Mixed, default: null },
    members: { type: [{ _id: false, fingerprint: String, status: String, eventId: String }], default: [] },
  },
  { collection: 'alert_groups', versionKey: false },
);
// Read once per partition assignment, to load the timers of the partitions a replica now owns.
alertGroupSchema.index({ partition: 1 });
