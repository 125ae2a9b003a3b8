import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import {
  ALERT_HISTORY_MODEL,
  ALERT_STATE_MODEL,
  alertHistorySchema,
  alertStateSchema,
  type AlertHistoryDocument,
  type AlertStateDocument,
} from './alert-state.schema';
import { insertOnce, saveLatest } from './insert-once';
import { deleteOlderThan } from './retention.sweeper';

export type AlertState = AlertStateDocument;
export type AlertHistoryEntry = AlertHistoryDocument;
export type AlertStateFilter = 'firing' | 'resolved';

export function alertStateId(teamId: string, fingerprint: string): string {
  return `${teamId}/${fingerprint}`;
}

/** Whether the alert fires at `now`: firing status, and its `endsAt` (if any) not yet passed. */
export function isFiringAt(state: Pick<AlertState, 'status' | 'endsAt'>, now: Date): boolean {
  return state.status === 'firing' && (state.endsAt === null || state.endsAt === undefined || state.endsAt.getTime() > now.getTime());
}

function stateQuery(teamId: string, state: AlertStateFilter | undefined, now: Date) {
  if (state === 'firing') return { teamId, status: 'firing', $or: [{ endsAt: null }, { endsAt: { $gt: now } }] };
  if (state === 'resolved') return { teamId, $or: [{ status: 'resolved' }, { endsAt: { $lte: now } }] };
  return { teamId };
}

/** An alert lists the group keys it is in. */
const inGroup = <Q extends object>(query: Q, groupKey: string | undefined) => (groupKey === undefined ? query : { ...query, groupKeys: groupKey });

@Injectable()
export class AlertStateRepository {
  constructor(
    @InjectModel(ALERT_STATE_MODEL) private readonly states: Model<AlertStateDocument>,
    @InjectModel(ALERT_HISTORY_MODEL) private readonly history: Model<AlertHistoryDocument>,
  ) {}

  get(teamId: string, fingerprint: string): Promise<AlertState | null> {
    return this.states.findOne({ _id: alertStateId(teamId, fingerprint) }).lean<AlertState>().exec();
  }

  /** `groupKey`: only the alerts of that group (a card's link to a group without an id). */
  list(teamId: string, options: { state?: AlertStateFilter; groupKey?: string; limit: number; offset: number; now: Date }): Promise<AlertState[]> {
    return this.states
      .find(inGroup(stateQuery(teamId, options.state, options.now), options.groupKey))
      .sort({ startsAt: -1, _id: 1 })
      .skip(options.offset)
      .limit(options.limit)
      .lean<AlertState[]>()
      .exec();
  }

  count(teamId: string, state: AlertStateFilter | undefined, now: Date, groupKey?: string): Promise<number> {
    return this.states.countDocuments(inGroup(stateQuery(teamId, state, now), groupKey)).exec();
  }

  /** How many of a group's alerts fire at `now` (an alert lists the group keys it is in). */
  countFiringInGroup(teamId: string, groupKey: string, now: Date): Promise<number> {
    return this.states.countDocuments({ ...stateQuery(teamId, 'firing', now), groupKeys: groupKey }).exec();
  }

  /** Writes the latest state of many alerts (the read model's projector). */
  async saveMany(states: readonly AlertState[]): Promise<void> {
    await saveLatest(this.states, states);
  }

  /** Appends history entries; an entry already recorded (same id, a redelivery) is skipped. */
  async recordHistory(entries: readonly AlertHistoryEntry[]): Promise<void> {
    await insertOnce(this.history, entries);
  }

  /** Deletes up to `limit` history entries from before `cutoff` (the retention sweeper's batch). */
  deleteHistoryOlderThan(cutoff: Date, limit: number): Promise<number> {
    return deleteOlderThan(this.history, 'at', cutoff, limit);
  }

  historyOf(teamId: string, fingerprint: string, limit: number): Promise<AlertHistoryEntry[]> {
    return this.history.find({ teamId, fingerprint }).sort({ at: -1, _id: 1 }).limit(limit).lean<AlertHistoryEntry[]>().exec();
  }

  async deleteAllOfTeam(teamId: string): Promise<void> {
    await Promise.all([this.states.deleteMany({ teamId }).exec(), this.history.deleteMany({ teamId }).exec()]);
  }
}

/** Alert state and history: a read model projected by policy-router from its changelog, read by the console. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ALERT_STATE_MODEL, schema: alertStateSchema },
      { name: ALERT_HISTORY_MODEL, schema: alertHistorySchema },
    ]),
  ],
  providers: [AlertStateRepository],
  exports: [AlertStateRepository],
})
export class AlertStateModule {}
