import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { Schema, type Model } from 'mongoose';
import { insertOnce } from './insert-once';

/** A daily summary the stats service has handed to lark-sender (`_id`: its notification id). */
export interface SummaryPostDocument {
  _id: string;
  objectId: string;
  late: boolean;
  postedAt: Date;
}

export const SUMMARY_POST_MODEL = 'SummaryPost';

export const summaryPostSchema = new Schema<SummaryPostDocument>(
  {
    _id: { type: String, required: true },
    objectId: { type: String, required: true },
    late: { type: Boolean, required: true },
    postedAt: { type: Date, required: true },
  },
  { collection: 'stats_summary_posts', versionKey: false },
);

/** Which summaries went out, so a restarted or second stats process does not publish them again. */
@Injectable()
export class SummaryPostRepository {
  constructor(@InjectModel(SUMMARY_POST_MODEL) private readonly posts: Model<SummaryPostDocument>) {}

  async isPosted(notificationId: string): Promise<boolean> {
    return (await this.posts.exists({ _id: notificationId })) !== null;
  }

  record(post: SummaryPostDocument): Promise<void> {
    return insertOnce(this.posts, [post]);
  }
}

@Module({
  imports: [MongooseModule.forFeature([{ name: SUMMARY_POST_MODEL, schema: summaryPostSchema }])],
  providers: [SummaryPostRepository],
  exports: [SummaryPostRepository],
})
export class SummaryPostModule {}
