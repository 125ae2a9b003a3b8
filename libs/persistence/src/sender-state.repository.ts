import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { BOT_RATE_WINDOW_MODEL, botRateWindowSchema, type BotRateWindowDocument } from './bot-rate-window.schema';

/** Each bot's recent request instants, read by `_id` (its bot key) when a replica takes the bot over. */
@Injectable()
export class BotRateWindowRepository {
  constructor(@InjectModel(BOT_RATE_WINDOW_MODEL) private readonly windows: Model<BotRateWindowDocument>) {}

  async get(botKey: string): Promise<number[]> {
    const row = await this.windows.findOne({ _id: botKey }).lean<BotRateWindowDocument>().exec();
    return row?.sentAt ?? [];
  }

  async save(botKey: string, sentAt: readonly number[]): Promise<void> {
    await this.windows.updateOne({ _id: botKey }, { $set: { sentAt: [...sentAt] } }, { upsert: true }).exec();
  }
}

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: BOT_RATE_WINDOW_MODEL, schema: botRateWindowSchema },
    ]),
  ],
  providers: [BotRateWindowRepository],
  exports: [BotRateWindowRepository],
})
export class SenderStateModule {}
