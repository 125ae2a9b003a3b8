import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { insertOnce } from './insert-once';
import { DELIVERY_LEDGER_MODEL, deliveryLedgerSchema, type DeliveryLedgerDocument } from './delivery-ledger.schema';

export type DeliveryLedgerEntry = DeliveryLedgerDocument;

@Injectable()
export class DeliveryLedgerRepository {
  constructor(@InjectModel(DELIVERY_LEDGER_MODEL) private readonly ledger: Model<DeliveryLedgerDocument>) {}

  async isFinished(notificationId: string): Promise<boolean> {
    return (await this.ledger.exists({ _id: notificationId })) !== null;
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
