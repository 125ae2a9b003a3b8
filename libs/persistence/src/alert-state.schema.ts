import { Schema } from 'mongoose';
import type { LabelPair } from '@alertlark/contracts';

/**
 * The latest known state of one alert of one team: the console's read model, projected from
 * policy-router's changelog (`alertlark.router-state.v1`) in bulk, a second or so behind it. Firing means `status` is
 * firing and `endsAt` has not passed: an alert whose `endsAt` passes without a resolved message is
 * resolved by that timeout, as in Alertmanager.
 */
export interface AlertStateDocument {
  _id: string; // `${teamId}/${fingerprint}`
  teamId: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: LabelPair[];
  annotations: LabelPair[];
  startsAt: Date;
  endsAt: Date | null;
  generatorURL?: string;
  source: 'alertmanager' | 'prometheus';
  lastEventId: string;
  lastReceivedAt: Date;
  /** The policy groups the alert is in, so a policy that stops matching can release it. */
  groupKeys: string[];
}

/** What happened to an alert: it fired, it resolved, or a group notification carried it. */
export interface AlertHistoryDocument {
  _id: string; // deterministic: `${eventId}` for status changes, `${notificationId}` for notifications
  teamId: string;
  fingerprint: string;
  at: Date;
  kind: 'firing' | 'resolved' | 'notified';
  policyId?: string;
  groupKey?: string;
  objectIds?: string[];
  /** For `notified`: the status of the notification (a resolved card, a repeat, ...). */
  detail?: string;
}

const labelPair = new Schema<LabelPair>({ name: { type: String, required: true }, value: { type: String, default: '' } }, { _id: false });

export const ALERT_STATE_MODEL = 'AlertState';
export const alertStateSchema = new Schema<AlertStateDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    fingerprint: { type: String, required: true },
    status: { type: String, required: true },
    labels: { type: [labelPair], default: [] },
    annotations: { type: [labelPair], default: [] },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, default: null },
    generatorURL: String,
    source: { type: String, required: true },
    lastEventId: { type: String, required: true },
    lastReceivedAt: { type: Date, required: true },
    groupKeys: { type: [String], default: [] },
  },
  { collection: 'alert_states', versionKey: false },
);
// Serves the console's alert lists (firing / resolved, newest first).
alertStateSchema.index({ teamId: 1, status: 1, startsAt: -1 });

export const ALERT_HISTORY_MODEL = 'AlertHistory';
export const alertHistorySchema = new Schema<AlertHistoryDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    fingerprint: { type: String, required: true },
    at: { type: Date, required: true },
    kind: { type: String, required: true },
    policyId: String,
    groupKey: String,
    objectIds: { type: [String], default: undefined },
    detail: String,
  },
  { collection: 'alert_history', versionKey: false },
);
alertHistorySchema.index({ teamId: 1, fingerprint: 1, at: -1 });
// Serves the console's retention sweeper (entries older than ALERTLARK_RETENTION_HISTORY_DAYS).
alertHistorySchema.index({ at: 1 });
