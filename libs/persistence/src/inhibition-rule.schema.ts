import { Schema } from 'mongoose';
import { outboxFieldDefinitions, type OutboxFields } from './config-outbox';

/** An inhibition rule, kept for the console's views; the policy-router gets it from the config topic. */
export interface InhibitionRuleDocument extends OutboxFields {
  _id: string;
  teamId: string;
  name: string;
  sourceMatchers: string[];
  targetMatchers: string[];
  equal: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const INHIBITION_RULE_MODEL = 'InhibitionRule';

export const inhibitionRuleSchema = new Schema<InhibitionRuleDocument>(
  {
    ...outboxFieldDefinitions,
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    name: { type: String, required: true },
    sourceMatchers: { type: [String], required: true },
    targetMatchers: { type: [String], required: true },
    equal: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'inhibition_rules', versionKey: false },
);
// Serves the team's rule list, sorted by name, and its count against the cap.
inhibitionRuleSchema.index({ teamId: 1, name: 1 });
// Serves the config publisher's query for rows the topic lacks.
inhibitionRuleSchema.index({ unpublished: 1 });
