import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { NOTIFICATION_POLICY_MODEL, type NotificationPolicyDocument } from './notification-policy.schema';

export type NotificationPolicyRecord = NotificationPolicyDocument;

@Injectable()
export class NotificationPolicyRepository {
  constructor(@InjectModel(NOTIFICATION_POLICY_MODEL) private readonly policies: Model<NotificationPolicyDocument>) {}

  async create(record: NotificationPolicyRecord): Promise<NotificationPolicyRecord> {
    await this.policies.create(record);
    return record;
  }

  /** How many policies the team has (its cap, checked before a create). */
  countOfTeam(teamId: string): Promise<number> {
    return this.policies.countDocuments({ teamId }).exec();
  }

  /** Replaces the whole policy; false when the team has no such policy. */
  async replace(record: NotificationPolicyRecord): Promise<boolean> {
    const result = await this.policies.replaceOne({ _id: record._id, teamId: record.teamId }, record).exec();
    return result.matchedCount === 1;
  }

  /** False when the team has no such policy. */
  async delete(teamId: string, id: string): Promise<boolean> {
    const result = await this.policies.deleteOne({ _id: id, teamId }).exec();
    return result.deletedCount === 1;
  }

  async deleteAllOfTeam(teamId: string): Promise<void> {
    await this.policies.deleteMany({ teamId }).exec();
  }

  get(teamId: string, id: string): Promise<NotificationPolicyRecord | null> {
    return this.policies.findOne({ _id: id, teamId }).lean<NotificationPolicyRecord>().exec();
  }

  /**
   * The team's policies that notify the chatbot. Filtered here rather than by the server: FerretDB
   * 1.x does not match array elements reliably, and a team has a few hundred policies at most.
   */
  async usingObject(teamId: string, objectId: string): Promise<Pick<NotificationPolicyRecord, '_id' | 'name'>[]> {
    const policies = await this.policies
      .find({ teamId }, { _id: 1, name: 1, objectIds: 1, escalation: 1 })
      .lean<Pick<NotificationPolicyRecord, '_id' | 'name' | 'objectIds' | 'escalation'>[]>()
      .exec();
    const notifies = (policy: (typeof policies)[number]) => policy.objectIds.includes(objectId) || (policy.escalation?.steps ?? []).some((step) => step.objectIds.includes(objectId));
    return policies.filter(notifies).map(({ _id, name }) => ({ _id, name }));
  }

  list(teamId: string, page: { limit: number; offset: number }): Promise<NotificationPolicyRecord[]> {
    return this.policies.find({ teamId }).sort({ name: 1, _id: 1 }).skip(page.offset).limit(page.limit).lean<NotificationPolicyRecord[]>().exec();
  }

  /** The row whatever its team, by `_id` alone so the index serves it (on FerretDB too). */
  byId(id: string): Promise<NotificationPolicyRecord | null> {
    return this.policies.findOne({ _id: id }).lean<NotificationPolicyRecord>().exec();
  }

  /** Every row changed at or after `since` (all rows when null): what the console's config resync republishes. */
  changedSince(since: Date | null): Promise<NotificationPolicyRecord[]> {
    return this.policies.find(since ? { updatedAt: { $gte: since } } : {}).lean<NotificationPolicyRecord[]>().exec();
  }
}
