import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ALERT_GROUP_MODEL, alertGroupSchema, type AlertGroupDocument } from './alert-group.schema';

export type AlertGroup = AlertGroupDocument;
export type { AlertGroupMember } from './alert-group.schema';

/** A group's timer, as the flush loop keeps it in memory. */
export interface AlertGroupTimer {
  groupKey: string;
  partition: number;
  flushAt: number | null;
}

/** Groups, their members and timers: policy-router's own state, read and written by `_id`. */
@Injectable()
export class AlertGroupRepository {
  constructor(@InjectModel(ALERT_GROUP_MODEL) private readonly groups: Model<AlertGroupDocument>) {}

  get(groupKey: string): Promise<AlertGroup | null> {
    return this.groups.findOne({ _id: groupKey }).lean<AlertGroup>().exec();
  }

  async save(group: AlertGroup): Promise<void> {
    const { _id, ...fields } = group;
    await this.groups.updateOne({ _id }, { $set: fields }, { upsert: true }).exec();
  }

  /** Moves a due timer later (a flush that failed), leaving everything else as it was. */
  async postpone(groupKey: string, flushAt: number): Promise<void> {
    await this.groups.updateOne({ _id: groupKey, flushAt: { $ne: null } }, { $set: { flushAt } }).exec();
  }

  /** The timers of the groups on these partitions: read when a replica is assigned them. */
  async timersOf(partitions: readonly number[]): Promise<AlertGroupTimer[]> {
    if (partitions.length === 0) return [];
    const rows = await this.groups
      .find({ partition: { $in: [...partitions] }, flushAt: { $ne: null } }, { _id: 1, partition: 1, flushAt: 1 })
      .lean<Pick<AlertGroup, '_id' | 'partition' | 'flushAt'>[]>()
      .exec();
    return rows.map((row) => ({ groupKey: row._id, partition: row.partition, flushAt: row.flushAt }));
  }

  /** Forgets a group whose policy is gone: members, timer and log. */
  async drop(groupKey: string): Promise<void> {
    await this.groups.deleteOne({ _id: groupKey }).exec();
  }
}

@Module({
  imports: [MongooseModule.forFeature([{ name: ALERT_GROUP_MODEL, schema: alertGroupSchema }])],
  providers: [AlertGroupRepository],
  exports: [AlertGroupRepository],
})
export class AlertGroupModule {}
