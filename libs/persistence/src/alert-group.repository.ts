import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import {
  ALERT_GROUP_MEMBER_MODEL,
  ALERT_GROUP_MODEL,
  alertGroupMemberSchema,
  alertGroupSchema,
  type AlertGroupDocument,
  type AlertGroupMemberDocument,
} from './alert-group.schema';

export type AlertGroup = AlertGroupDocument;
export type AlertGroupMember = AlertGroupMemberDocument;

export function groupMemberId(groupKey: string, fingerprint: string): string {
  return `${groupKey}|${fingerprint}`;
}

/** Groups, their members and timers: policy-router's own state. */
@Injectable()
export class AlertGroupRepository {
  constructor(
    @InjectModel(ALERT_GROUP_MODEL) private readonly groups: Model<AlertGroupDocument>,
    @InjectModel(ALERT_GROUP_MEMBER_MODEL) private readonly members: Model<AlertGroupMemberDocument>,
  ) {}

  get(groupKey: string): Promise<AlertGroup | null> {
    return this.groups.findOne({ _id: groupKey }).lean<AlertGroup>().exec();
  }

  async save(group: AlertGroup): Promise<void> {
    const { _id, ...fields } = group;
    await this.groups.updateOne({ _id }, { $set: fields }, { upsert: true }).exec();
  }

  async setClock(groupKey: string, clock: Pick<AlertGroup, 'flushAt' | 'lastFlushAt'> & Partial<Pick<AlertGroup, 'notificationSeq' | 'lastNotification'>>): Promise<void> {
    await this.groups.updateOne({ _id: groupKey }, { $set: clock }).exec();
  }

  /** Moves a due timer later (a flush that failed), leaving everything else as it was. */
  async postpone(groupKey: string, flushAt: number): Promise<void> {
    await this.groups.updateOne({ _id: groupKey, flushAt: { $ne: null } }, { $set: { flushAt } }).exec();
  }

  /** Due groups on the given partitions, earliest first. */
  due(partitions: readonly number[], now: number, limit: number): Promise<AlertGroup[]> {
    if (partitions.length === 0) return Promise.resolve([]);
    return this.groups
      .find({ partition: { $in: [...partitions] }, flushAt: { $ne: null, $lte: now } })
      .sort({ flushAt: 1 })
      .limit(limit)
      .lean<AlertGroup[]>()
      .exec();
  }

  member(groupKey: string, fingerprint: string): Promise<AlertGroupMember | null> {
    return this.members.findOne({ _id: groupMemberId(groupKey, fingerprint) }).lean<AlertGroupMember>().exec();
  }

  membersOf(groupKey: string): Promise<AlertGroupMember[]> {
    return this.members.find({ groupKey }).lean<AlertGroupMember[]>().exec();
  }

  async saveMember(member: AlertGroupMember): Promise<void> {
    const { _id, ...fields } = member;
    await this.members.updateOne({ _id }, { $set: fields }, { upsert: true }).exec();
  }

  async removeMember(groupKey: string, fingerprint: string): Promise<void> {
    await this.members.deleteOne({ _id: groupMemberId(groupKey, fingerprint) }).exec();
  }

  /** Removes members that have not changed since they were read (same event id). */
  async releaseMembers(members: readonly Pick<AlertGroupMember, '_id' | 'eventId'>[]): Promise<void> {
    if (members.length === 0) return;
    await this.members.bulkWrite(members.map((member) => ({ deleteOne: { filter: { _id: member._id, eventId: member.eventId } } })), { ordered: false });
  }

  countMembers(groupKey: string): Promise<number> {
    return this.members.countDocuments({ groupKey }).exec();
  }

  /** Forgets a group whose policy is gone: members, timer and log. */
  async drop(groupKey: string): Promise<void> {
    await this.members.deleteMany({ groupKey }).exec();
    await this.groups.deleteOne({ _id: groupKey }).exec();
  }
}

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ALERT_GROUP_MODEL, schema: alertGroupSchema },
      { name: ALERT_GROUP_MEMBER_MODEL, schema: alertGroupMemberSchema },
    ]),
  ],
  providers: [AlertGroupRepository],
  exports: [AlertGroupRepository],
})
export class AlertGroupModule {}
