import { Schema } from 'mongoose';
import { outboxFieldDefinitions, type OutboxFields } from './config-outbox';

export interface TeamDocument extends OutboxFields {
  _id: string;
  name: string;
  apiTokenHash: string;
  ingestTokenHash: string;
  createdAt: Date;
  /** Absent on teams made before it was kept. */
  updatedAt?: Date;
}

export const TEAM_MODEL = 'Team';

export const teamSchema = new Schema<TeamDocument>(
  {
    ...outboxFieldDefinitions,
    _id: { type: String, required: true },
    name: { type: String, required: true },
    apiTokenHash: { type: String, required: true },
    ingestTokenHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date },
  },
  { collection: 'teams', versionKey: false },
);
// Serves the console's token check on every request.
teamSchema.index({ apiTokenHash: 1 }, { unique: true });
// Keeps ingest tokens unique across teams (ingest itself looks them up from the config topic).
teamSchema.index({ ingestTokenHash: 1 }, { unique: true });
// Serves the config publisher's query for rows the topic lacks.
teamSchema.index({ unpublished: 1 });
