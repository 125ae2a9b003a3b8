import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ConfigOutbox, LIVE, tombstone, type Unversioned } from './config-outbox';
import { INHIBITION_RULE_MODEL, type InhibitionRuleDocument } from './inhibition-rule.schema';

export type InhibitionRuleRecord = InhibitionRuleDocument;

/** Every query takes the team id: one team never reads another's rules. */
@Injectable()
export class InhibitionRuleRepository {
  readonly outbox: ConfigOutbox<InhibitionRuleRecord>;

  constructor(@InjectModel(INHIBITION_RULE_MODEL) private readonly rules: Model<InhibitionRuleDocument>) {
    this.outbox = new ConfigOutbox(rules);
  }

  create(record: Unversioned<InhibitionRuleRecord>): Promise<InhibitionRuleRecord> {
    return this.outbox.insert(record);
  }

  get(teamId: string, id: string): Promise<InhibitionRuleRecord | null> {
    return this.rules.findOne({ _id: id, teamId, ...LIVE }).lean<InhibitionRuleRecord>().exec();
  }

  /** How many inhibition rules the team has (its cap, checked before a create). */
  countOfTeam(teamId: string): Promise<number> {
    return this.rules.countDocuments({ teamId, ...LIVE }).exec();
  }

  list(teamId: string, page: { limit: number; offset: number }): Promise<InhibitionRuleRecord[]> {
    return this.rules.find({ teamId, ...LIVE }).sort({ name: 1, _id: 1 }).skip(page.offset).limit(page.limit).lean<InhibitionRuleRecord[]>().exec();
  }

  /** False when the team has no such rule. */
  async delete(teamId: string, id: string, now: Date): Promise<boolean> {
    const result = await this.rules.updateOne({ _id: id, teamId, ...LIVE }, tombstone(now)).exec();
    return result.matchedCount === 1;
  }

  async deleteAllOfTeam(teamId: string, now: Date): Promise<void> {
    await this.rules.updateMany({ teamId, ...LIVE }, tombstone(now)).exec();
  }
}
