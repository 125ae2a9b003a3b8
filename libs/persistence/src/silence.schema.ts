import { Schema } from 'mongoose';
import { outboxFieldDefinitions, type OutboxFields } from './config-outbox';

/**
 * A silence, kept for the console's views; the policy-router gets it from the config topic. It is
 * never deleted while its team lives: expiring it moves its times, as in Alertmanager.
 */
export interface SilenceDocument extends OutboxFields {
  _id: string;
  teamId: string;
  matchers: string[];
  startsAt: Date;
  endsAt: Date;
  comment: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const SILENCE_MODEL = 'Silence';

export const silenceSchema = new Schema<SilenceDocument>(
  {
    ...outboxFieldDefinitions,
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    matchers: { type: [String], required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    comment: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'silences', versionKey: false },
);
// Serves the team's silence list, newest first (the state filter compares the times), and the
// count of its unexpired silences against its cap (by team, then the times).
silenceSchema.index({ teamId: 1, createdAt: -1 });
// Serves the config publisher's query for rows the topic lacks.
silenceSchema.index({ unpublished: 1 });
