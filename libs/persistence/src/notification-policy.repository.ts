import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ConfigOutbox, LIVE, tombstone, versioned, type Unversioned } from './config-outbox';
import { NOTIFICATION_POLICY_MODEL, type NotificationPolicyDocument } from './notification-policy.schema';

export type NotificationPolicyRecord = NotificationPolicyDocument;

/** The fields a replace removes when the new policy leaves them out. */
const OPTIONAL_FIELDS = ['rules', 'groupBy', 'groupWait', 'groupInterval', 'repeatInterval', 'muteTimeIntervals', 'activeTimeIntervals', 'escalation'] as const;

@Injectable()
export class NotificationPolicyRepository {
  readonly outbox: ConfigOutbox<NotificationPolicyRecord>;

  constructor(@InjectModel(NOTIFICATION_POLICY_MODEL) private readonly policies: Model<NotificationPolicyDocument>) {
    this.outbox = new ConfigOutbox(policies);
  }

  create(record: Unversioned<NotificationPolicyRecord>): Promise<NotificationPolicyRecord> {
    return this.outbox.insert(record);
  }

  /** How many policies the team has (its cap, checked before a create). */
  countOfTeam(teamId: string): Promise<number> {
    return this.policies.countDocuments({ teamId, ...LIVE }).exec();
  }

  /** Replaces the whole policy; false when the team has no such policy. */
  async replace(record: Unversioned<NotificationPolicyRecord>): Promise<boolean> {
    const { _id: id, teamId, ...fields } = record;
    const absent = OPTIONAL_FIELDS.filter((field) => fields[field] === undefined);
    const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    const result = await this.policies.updateOne({ _id: id, teamId, ...LIVE }, versioned(present, absent)).exec();
    return result.matchedCount === 1;
  }

  /** False when the team has no such policy. */
  async delete(teamId: string, id: string, now: Date): Promise<boolean> {
    const result = await this.policies.updateOne({ _id: id, teamId, ...LIVE }, tombstone(now)).exec();
    return result.matchedCount === 1;
  }

  async deleteAllOfTeam(teamId: string, now: Date): Promise<void> {
    await this.policies.updateMany({ teamId, ...LIVE }, tombstone(now)).exec();
  }

  get(teamId: string, id: string): Promise<NotificationPolicyRecord | null> {
    return this.policies.findOne({ _id: id, teamId, ...LIVE }).lean<NotificationPolicyRecord>().exec();
  }

  /**
   * The team's policies that notify the chatbot. Filtered here rather than by the server: FerretDB
   * 1.x does not match array elements reliably, and a team has a few hundred policies at most.
   */
  async usingObject(teamId: string, objectId: string): Promise<Pick<NotificationPolicyRecord, '_id' | 'name'>[]> {
    const policies = await this.policies
      .find({ teamId, ...LIVE }, { _id: 1, name: 1, objectIds: 1, escalation: 1 })
      .lean<Pick<NotificationPolicyRecord, '_id' | 'name' | 'objectIds' | 'escalation'>[]>()
      .exec();
    const notifies = (policy: (typeof policies)[number]) => policy.objectIds.includes(objectId) || (policy.escalation?.steps ?? []).some((step) => step.objectIds.includes(objectId));
    return policies.filter(notifies).map(({ _id, name }) => ({ _id, name }));
  }

  list(teamId: string, page: { limit: number; offset: number }): Promise<NotificationPolicyRecord[]> {
    return this.policies.find({ teamId, ...LIVE }).sort({ name: 1, _id: 1 }).skip(page.offset).limit(page.limit).lean<NotificationPolicyRecord[]>().exec();
  }
}
