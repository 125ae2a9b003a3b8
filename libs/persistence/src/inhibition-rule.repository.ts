import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { INHIBITION_RULE_MODEL, type InhibitionRuleDocument } from './inhibition-rule.schema';

export type InhibitionRuleRecord = InhibitionRuleDocument;

/** Every query takes the team id: one team never reads another's rules. */
@Injectable()
export class InhibitionRuleRepository {
  constructor(@InjectModel(INHIBITION_RULE_MODEL) private readonly rules: Model<InhibitionRuleDocument>) {}

  async create(record: InhibitionRuleRecord): Promise<InhibitionRuleRecord> {
    await this.rules.create(record);
    return record;
  }

  get(teamId: string, id: string): Promise<InhibitionRuleRecord | null> {
    return this.rules.findOne({ _id: id, teamId }).lean<InhibitionRuleRecord>().exec();
  }

  /** How many inhibition rules the team has (its cap, checked before a create). */
  countOfTeam(teamId: string): Promise<number> {
    return this.rules.countDocuments({ teamId }).exec();
  }

  list(teamId: string, page: { limit: number; offset: number }): Promise<InhibitionRuleRecord[]> {
    return this.rules.find({ teamId }).sort({ name: 1, _id: 1 }).skip(page.offset).limit(page.limit).lean<InhibitionRuleRecord[]>().exec();
  }

  /** False when the team has no such rule. */
  async delete(teamId: string, id: string): Promise<boolean> {
    const result = await this.rules.deleteOne({ _id: id, teamId }).exec();
    return result.deletedCount === 1;
  }

  async deleteAllOfTeam(teamId: string): Promise<void> {
    await this.rules.deleteMany({ teamId }).exec();
  }

  /** The row whatever its team, by `_id` alone so the index serves it (on FerretDB too). */
  byId(id: string): Promise<InhibitionRuleRecord | null> {
    return this.rules.findOne({ _id: id }).lean<InhibitionRuleRecord>().exec();
  }

  /** Every row changed at or after `since` (all rows when null): what the console's config resync republishes. */
  changedSince(since: Date | null): Promise<InhibitionRuleRecord[]> {
    return this.rules.find(since ? { updatedAt: { $gte: since } } : {}).lean<InhibitionRuleRecord[]>().exec();
  }
}
