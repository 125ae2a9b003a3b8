import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { insertOnce } from './insert-once';
import { deleteOlderThan } from './retention.sweeper';
import { DELIVERY_LEDGER_MODEL, deliveryLedgerSchema, type DeliveryLedgerDocument } from './delivery-ledger.schema';

export type DeliveryLedgerEntry = DeliveryLedgerDocument;

const LOOKUP_CONCURRENCY = 16;

@Injectable()
export class DeliveryLedgerRepository {
  constructor(@InjectModel(DELIVERY_LEDGER_MODEL) private readonly ledger: Model<DeliveryLedgerDocument>) {}

  /**
   * The ledger rows of those of these notifications that are finished. One lookup by `_id` each, a
   * few at a time: FerretDB's SQLite backend answers `_id: {$in}` with a scan of the whole collection.
   */
  async finishedAmong(notificationIds: readonly string[]): Promise<Map<string, DeliveryLedgerEntry>> {
    const finished = new Map<string, DeliveryLedgerEntry>();
    for (let start = 0; start < notificationIds.length; start += LOOKUP_CONCURRENCY) {
      const ids = notificationIds.slice(start, start + LOOKUP_CONCURRENCY);
      const rows = await Promise.all(ids.map((id) => this.ledger.findById(id).lean<DeliveryLedgerEntry>().exec()));
      for (const row of rows) if (row) finished.set(row._id, row);
    }
    return finished;
  }

  /** Deletes up to `limit` rows finished before `cutoff` (the retention sweeper's batch). */
  deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    return deleteOlderThan(this.ledger, 'finishedAt', cutoff, limit);
  }

  /** Records each outcome once; a second record of the same notification is ignored. */
  async recordMany(entries: readonly DeliveryLedgerEntry[]): Promise<void> {
    await insertOnce(this.ledger, entries);
  }
}

@Module({
  imports: [MongooseModule.forFeature([{ name: DELIVERY_LEDGER_MODEL, schema: deliveryLedgerSchema }])],
  providers: [DeliveryLedgerRepository],
  exports: [DeliveryLedgerRepository],
})
export class DeliveryLedgerModule {}
