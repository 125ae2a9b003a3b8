import { Schema } from 'mongoose';
import type { Actor, ActionKind, ActionSource, IncidentView, LabelPair } from '@alertlark/contracts';

/**
 * An alert group as the console shows it, projected from policy-router's changelog (group
 * records) and its action decisions. Kept after the group ends (`endedAt`), for its page and log.
 */
export interface AlertGroupDocument {
  _id: string;
  teamId: string;
  groupKey: string;
  policyId: string;
  groupLabels: LabelPair[];
  incident: IncidentView | null;
  updatedAt: Date;
  /** When the router dropped the group (all its alerts cleared); null while it lives. */
  endedAt: Date | null;
}

/** One action asked for on a group, and the router's decision once it is known. */
export interface AlertGroupActionDocument {
  _id: string;
  teamId: string;
  groupId: string;
  action: ActionKind;
  actor: Actor;
  source: ActionSource;
  requestedAt: Date;
  incidentId?: string;
  silenceId?: string;
  outcome?: 'applied' | 'refused';
  reason?: string;
  decidedAt?: Date;
  /** The incident as the decision left it. */
  incident?: IncidentView | null;
}

/** An action link's token id, once used: a link acts once. Kept until the token expires (the console sweeps them hourly). */
export interface UsedActionLinkDocument {
  _id: string;
  usedAt: Date;
  expiresAt: Date;
}

export const ALERT_GROUP_MODEL = 'AlertGroup';
export const ALERT_GROUP_ACTION_MODEL = 'AlertGroupAction';
export const USED_ACTION_LINK_MODEL = 'UsedActionLink';

export const alertGroupSchema = new Schema<AlertGroupDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    groupKey: { type: String, required: true },
    policyId: { type: String, required: true },
    groupLabels: { type: [{ _id: false, name: String, value: String }], required: true },
    incident: { type: Schema.Types.Mixed, default: null },
    updatedAt: { type: Date, required: true },
    endedAt: { type: Date, default: null },
  },
  { collection: 'alert_groups', versionKey: false },
);
// The team's groups by incident state, newest first; a changelog tombstone names the group key.
alertGroupSchema.index({ teamId: 1, 'incident.state': 1, updatedAt: -1 });
alertGroupSchema.index({ groupKey: 1 });

export const alertGroupActionSchema = new Schema<AlertGroupActionDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    groupId: { type: String, required: true },
    action: { type: String, required: true },
    actor: { type: Schema.Types.Mixed, required: true },
    source: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    incidentId: String,
    silenceId: String,
    outcome: String,
    reason: String,
    decidedAt: Date,
    incident: { type: Schema.Types.Mixed },
  },
  { collection: 'alert_group_actions', versionKey: false },
);
// A group's action log, oldest first.
alertGroupActionSchema.index({ teamId: 1, groupId: 1, requestedAt: 1 });

export const usedActionLinkSchema = new Schema<UsedActionLinkDocument>(
  {
    _id: { type: String, required: true },
    usedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'used_action_links', versionKey: false },
);
