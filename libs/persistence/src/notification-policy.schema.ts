import { Schema } from 'mongoose';
import { outboxFieldDefinitions, type OutboxFields } from './config-outbox';
import type { Escalation, PolicyRule, TimeInterval } from '@alertlark/contracts';

export interface NotificationPolicyDocument extends OutboxFields {
  _id: string;
  teamId: string;
  name: string;
  matchers: string[];
  /** The managed console's rule form, as validated by libs/routing. */
  rules?: PolicyRule[];
  objectIds: string[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  sendResolved: boolean;
  enabled: boolean;
  muteTimeIntervals?: TimeInterval[];
  activeTimeIntervals?: TimeInterval[];
  escalation?: Escalation;
  createdAt: Date;
  updatedAt: Date;
}

export const NOTIFICATION_POLICY_MODEL = 'NotificationPolicy';

export const notificationPolicySchema = new Schema<NotificationPolicyDocument>(
  {
    ...outboxFieldDefinitions,
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    name: { type: String, required: true },
    matchers: { type: [String], default: [] },
    // Kept as given (arrays of objects, no nested arrays, no dotted keys: FerretDB stores them).
    rules: { type: [Schema.Types.Mixed], default: undefined },
    objectIds: { type: [String], default: [] },
    groupBy: { type: [String], default: undefined },
    groupWait: String,
    groupInterval: String,
    repeatInterval: String,
    sendResolved: { type: Boolean, required: true },
    enabled: { type: Boolean, required: true },
    muteTimeIntervals: { type: [Schema.Types.Mixed], default: undefined },
    activeTimeIntervals: { type: [Schema.Types.Mixed], default: undefined },
    escalation: { type: Schema.Types.Mixed, default: undefined },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'notification_policies', versionKey: false },
);
// Serves the team's policy list, sorted by name, and its count against the cap.
notificationPolicySchema.index({ teamId: 1, name: 1 });
// Serves the config publisher's query for rows the topic lacks.
notificationPolicySchema.index({ unpublished: 1 });
