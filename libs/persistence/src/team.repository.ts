import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { TEAM_MODEL, type TeamDocument } from './team.schema';

export type Team = TeamDocument;

@Injectable()
export class TeamRepository {
  constructor(@InjectModel(TEAM_MODEL) private readonly teams: Model<TeamDocument>) {}

  async create(team: Team): Promise<Team> {
    await this.teams.create(team);
    return team;
  }

  get(id: string): Promise<Team | null> {
    return this.teams.findOne({ _id: id }).lean<Team>().exec();
  }

  findByApiTokenHash(apiTokenHash: string): Promise<Team | null> {
    return this.teams.findOne({ apiTokenHash }).lean<Team>().exec();
  }

  /** Replaces one token hash of the team (token rotation); the team as it is now, or null. */
  setTokenHash(id: string, kind: 'api' | 'ingest', hash: string): Promise<Team | null> {
    const field = kind === 'api' ? 'apiTokenHash' : 'ingestTokenHash';
    return this.teams.findOneAndUpdate({ _id: id }, { $set: { [field]: hash, updatedAt: new Date() } }, { new: true }).lean<Team>().exec();
  }

  /** Removes the team; its chatbots and policies go with it (see ConsoleDataModule users). */
  async delete(id: string): Promise<boolean> {
    const result = await this.teams.deleteOne({ _id: id }).exec();
    return result.deletedCount === 1;
  }

  /** Which of `ids` are teams now (one query): a projection skips the rows of deleted teams. */
  async existingAmong(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.teams.find({ _id: { $in: [...new Set(ids)] } }, { _id: 1 }).lean<Pick<Team, '_id'>[]>().exec();
    return new Set(rows.map((row) => row._id));
  }

  list(): Promise<Team[]> {
    return this.teams.find().sort({ createdAt: 1 }).lean<Team[]>().exec();
  }

  /** Every row changed at or after `since` (all rows when null): what the console's config resync republishes. */
  changedSince(since: Date | null): Promise<Team[]> {
    return this.teams.find(since ? { updatedAt: { $gte: since } } : {}).lean<Team[]>().exec();
  }
}
