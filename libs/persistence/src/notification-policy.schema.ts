import { Schema } from 'mongoose';

export interface NotificationPolicyDocument {
  _id: string;
  teamId: string;
  name: string;
  matchers: string[];
  objectIds: string[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  sendResolved: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const NOTIFICATION_POLICY_MODEL = 'NotificationPolicy';

export const notificationPolicySchema = new Schema<NotificationPolicyDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    name: { type: String, required: true },
    matchers: { type: [String], default: [] },
    objectIds: { type: [String], default: [] },
    groupBy: { type: [String], default: undefined },
    groupWait: String,
    groupInterval: String,
    repeatInterval: String,
    sendResolved: { type: Boolean, required: true },
    enabled: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'notification_policies', versionKey: false },
);
// Serves the team's policy list, sorted by name.
notificationPolicySchema.index({ teamId: 1, name: 1 });
