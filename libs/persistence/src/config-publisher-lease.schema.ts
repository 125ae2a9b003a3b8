import { Schema } from 'mongoose';

export interface ConfigPublisherLeaseDocument {
  _id: string;
  holder: string;
  expiresAt: Date;
}

export const CONFIG_PUBLISHER_LEASE_MODEL = 'ConfigPublisherLease';

export const configPublisherLeaseSchema = new Schema<ConfigPublisherLeaseDocument>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'config_publisher_lease', versionKey: false },
);
