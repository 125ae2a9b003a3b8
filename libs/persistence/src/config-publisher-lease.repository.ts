import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CONFIG_PUBLISHER_LEASE_MODEL, type ConfigPublisherLeaseDocument } from './config-publisher-lease.schema';

const DUPLICATE_KEY = 11000;
/** The one lease: one config publisher for the whole console fleet. */
const LEASE_ID = 'config-publisher';

/**
 * Which console replica publishes the config outbox. Taking and renewing are one conditional
 * upsert: it matches only when the caller holds the lease or it has expired, and otherwise its
 * insert collides with the existing document, so two replicas never both get it.
 */
@Injectable()
export class ConfigPublisherLeaseRepository {
  constructor(@InjectModel(CONFIG_PUBLISHER_LEASE_MODEL) private readonly leases: Model<ConfigPublisherLeaseDocument>) {}

  /** Takes or renews the lease for `holder` until `now + ttlMs`; false while another holds it. */
  async hold(holder: string, now: Date, ttlMs: number): Promise<boolean> {
    try {
      await this.leases
        .updateOne({ _id: LEASE_ID, $or: [{ holder }, { expiresAt: { $lte: now } }] }, { $set: { holder, expiresAt: new Date(now.getTime() + ttlMs) } }, { upsert: true })
        .exec();
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /** Gives the lease up (at shutdown) so another replica need not wait for it to expire. */
  async release(holder: string): Promise<void> {
    await this.leases.deleteOne({ _id: LEASE_ID, holder }).exec();
  }
}
