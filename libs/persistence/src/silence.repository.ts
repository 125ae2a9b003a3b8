import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { SILENCE_MODEL, type SilenceDocument } from './silence.schema';

export type SilenceRecord = SilenceDocument;
export type SilenceStateFilter = 'pending' | 'active' | 'expired';

/** The silences of a team in one state at `now`; the same boundaries as the console's silenceState. */
function stateQuery(teamId: string, state: SilenceStateFilter | undefined, now: Date) {
  if (state === 'pending') return { teamId, startsAt: { $gt: now } };
  if (state === 'active') return { teamId, startsAt: { $lte: now }, endsAt: { $gt: now } };
  if (state === 'expired') return { teamId, endsAt: { $lte: now } };
  return { teamId };
}

/** Every query takes the team id: one team never reads another's silences. */
@Injectable()
export class SilenceRepository {
  constructor(@InjectModel(SILENCE_MODEL) private readonly silences: Model<SilenceDocument>) {}

  async create(record: SilenceRecord): Promise<SilenceRecord> {
    await this.silences.create(record);
    return record;
  }

  get(teamId: string, id: string): Promise<SilenceRecord | null> {
    return this.silences.findOne({ _id: id, teamId }).lean<SilenceRecord>().exec();
  }

  /** The team's silences not yet expired at `now`, pending or active (its cap; expired ones are history). */
  countUnexpired(teamId: string, now: Date): Promise<number> {
    return this.silences.countDocuments({ teamId, endsAt: { $gt: now } }).exec();
  }

  list(teamId: string, options: { state?: SilenceStateFilter; limit: number; offset: number; now: Date }): Promise<SilenceRecord[]> {
    return this.silences
      .find(stateQuery(teamId, options.state, options.now))
      .sort({ createdAt: -1, _id: 1 })
      .skip(options.offset)
      .limit(options.limit)
      .lean<SilenceRecord[]>()
      .exec();
  }

  /**
   * Moves the times of a silence, only if they are still `expected`: of two concurrent changes
   * one wins, and the other learns it lost (false) instead of overwriting it.
   */
  async updateTimes(
    teamId: string,
    id: string,
    expected: { startsAt: Date; endsAt: Date },
    next: { startsAt: Date; endsAt: Date; updatedAt: Date },
  ): Promise<boolean> {
    const result = await this.silences.updateOne({ _id: id, teamId, startsAt: expected.startsAt, endsAt: expected.endsAt }, { $set: next }).exec();
    return result.matchedCount === 1;
  }

  async deleteAllOfTeam(teamId: string): Promise<void> {
    await this.silences.deleteMany({ teamId }).exec();
  }

  /** The row whatever its team, by `_id` alone so the index serves it (on FerretDB too). */
  byId(id: string): Promise<SilenceRecord | null> {
    return this.silences.findOne({ _id: id }).lean<SilenceRecord>().exec();
  }

  /** Every row changed at or after `since` (all rows when null): what the console's config resync republishes. */
  changedSince(since: Date | null): Promise<SilenceRecord[]> {
    return this.silences.find(since ? { updatedAt: { $gte: since } } : {}).lean<SilenceRecord[]>().exec();
  }
}
