import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ConfigOutbox, LIVE, tombstone, versioned, type Unversioned } from './config-outbox';
import { SILENCE_MODEL, type SilenceDocument } from './silence.schema';

export type SilenceRecord = SilenceDocument;
export type SilenceStateFilter = 'pending' | 'active' | 'expired';

/** The silences of a team in one state at `now`; the same boundaries as the console's silenceState. */
function stateQuery(teamId: string, state: SilenceStateFilter | undefined, now: Date) {
  if (state === 'pending') return { teamId, ...LIVE, startsAt: { $gt: now } };
  if (state === 'active') return { teamId, ...LIVE, startsAt: { $lte: now }, endsAt: { $gt: now } };
  if (state === 'expired') return { teamId, ...LIVE, endsAt: { $lte: now } };
  return { teamId, ...LIVE };
}

/** Every query takes the team id: one team never reads another's silences. */
@Injectable()
export class SilenceRepository {
  readonly outbox: ConfigOutbox<SilenceRecord>;

  constructor(@InjectModel(SILENCE_MODEL) private readonly silences: Model<SilenceDocument>) {
    this.outbox = new ConfigOutbox(silences);
  }

  create(record: Unversioned<SilenceRecord>): Promise<SilenceRecord> {
    return this.outbox.insert(record);
  }

  get(teamId: string, id: string): Promise<SilenceRecord | null> {
    return this.silences.findOne({ _id: id, teamId, ...LIVE }).lean<SilenceRecord>().exec();
  }

  /** The team's silences not yet expired at `now`, pending or active (its cap; expired ones are history). */
  countUnexpired(teamId: string, now: Date): Promise<number> {
    return this.silences.countDocuments({ teamId, ...LIVE, endsAt: { $gt: now } }).exec();
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
    const result = await this.silences.updateOne({ _id: id, teamId, ...LIVE, startsAt: expected.startsAt, endsAt: expected.endsAt }, versioned(next)).exec();
    return result.matchedCount === 1;
  }

  async deleteAllOfTeam(teamId: string, now: Date): Promise<void> {
    await this.silences.updateMany({ teamId, ...LIVE }, tombstone(now)).exec();
  }
}
