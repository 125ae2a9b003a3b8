import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ConfigOutbox, LIVE, tombstone, versioned, type Unversioned } from './config-outbox';
import { TEAM_MODEL, type TeamDocument } from './team.schema';

export type Team = TeamDocument;

@Injectable()
export class TeamRepository {
  readonly outbox: ConfigOutbox<Team>;

  constructor(@InjectModel(TEAM_MODEL) private readonly teams: Model<TeamDocument>) {
    this.outbox = new ConfigOutbox(teams);
  }

  create(team: Unversioned<Team>): Promise<Team> {
    return this.outbox.insert(team);
  }

  get(id: string): Promise<Team | null> {
    return this.teams.findOne({ _id: id, ...LIVE }).lean<Team>().exec();
  }

  findByApiTokenHash(apiTokenHash: string): Promise<Team | null> {
    return this.teams.findOne({ apiTokenHash, ...LIVE }).lean<Team>().exec();
  }

  /** Replaces one token hash of the team (token rotation); the team as it is now, or null. */
  setTokenHash(id: string, kind: 'api' | 'ingest', hash: string): Promise<Team | null> {
    const field = kind === 'api' ? 'apiTokenHash' : 'ingestTokenHash';
    return this.teams.findOneAndUpdate({ _id: id, ...LIVE }, versioned({ [field]: hash, updatedAt: new Date() }), { new: true }).lean<Team>().exec();
  }

  /** Deletes the team (a tombstone until the delete is published); its rows go with it (see TeamsController). */
  async delete(id: string, now: Date): Promise<boolean> {
    const result = await this.teams.updateOne({ _id: id, ...LIVE }, tombstone(now)).exec();
    return result.matchedCount === 1;
  }

  /** Which of `ids` are teams now (one query): a projection skips the rows of deleted teams. */
  async existingAmong(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.teams.find({ _id: { $in: [...new Set(ids)] }, ...LIVE }, { _id: 1 }).lean<Pick<Team, '_id'>[]>().exec();
    return new Set(rows.map((row) => row._id));
  }

  list(): Promise<Team[]> {
    return this.teams.find(LIVE).sort({ createdAt: 1 }).lean<Team[]>().exec();
  }
}
