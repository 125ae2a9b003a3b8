import { Injectable, Module } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { DailyCounts } from '@alertlark/contracts';
import { datesFrom, dailyCountsForDays, localDayRange, type CountedCard, type CountedNotice } from '@alertlark/daily-stats';
import {
  ALERT_NOTICE_MODEL,
  CARD_ATTEMPT_MODEL,
  alertNoticeSchema,
  cardAttemptSchema,
  type AlertNoticeDocument,
  type CardAttemptDocument,
} from './daily-stats.schema';
import { insertOnce } from './insert-once';
import { deleteOlderThan } from './retention.sweeper';

/** The longest range one read counts (the console asks for at most 92 days). */
export const DAILY_STATS_MAX_DAYS = 366;

const NOTICE_FIELDS = { _id: 1, fingerprint: 1, alertname: 1, severity: 1, status: 1, at: 1 } as const;
const CARD_FIELDS = { _id: 1, notificationId: 1, requestId: 1, outcome: 1, at: 1 } as const;

/**
 * The daily-statistics projection: the stats service writes it (insert-only, idempotent by row
 * id), the stats scheduler and the console read it. Every read takes the team id. A read is at
 * most three finds, each bounded by the chatbot and the days asked (on FerretDB each still scans
 * the collection; on MongoDB the indexes beside the schemas serve them).
 */
@Injectable()
export class DailyStatsRepository {
  constructor(
    @InjectModel(ALERT_NOTICE_MODEL) private readonly notices: Model<AlertNoticeDocument>,
    @InjectModel(CARD_ATTEMPT_MODEL) private readonly cards: Model<CardAttemptDocument>,
  ) {}

  /** Records rows once; a redelivered or replayed event's rows (same ids) are skipped. */
  recordNotices(rows: readonly AlertNoticeDocument[]): Promise<void> {
    return insertOnce(this.notices, rows);
  }

  recordCards(rows: readonly CardAttemptDocument[]): Promise<void> {
    return insertOnce(this.cards, rows);
  }

  /** One chatbot's numbers for one local day (YYYY-MM-DD in `timezone`) as they stood at `asOf`. */
  async countsFor(teamId: string, objectId: string, date: string, timezone: string, asOf: Date): Promise<DailyCounts> {
    const [counts] = await this.countsForDays(teamId, objectId, [date], timezone, asOf);
    return counts!;
  }

  /** `countsFor` for every day from `from` to `to` (both included, in order; quiet days are zeros). */
  async countsForRange(teamId: string, objectId: string, from: string, to: string, timezone: string, asOf: Date): Promise<DailyCounts[]> {
    const dates = datesFrom(from, to);
    if (dates.length === 0) throw new RangeError(`"${to}" is before "${from}"`);
    if (dates.length > DAILY_STATS_MAX_DAYS) throw new RangeError(`at most ${DAILY_STATS_MAX_DAYS} days at once`);
    return this.countsForDays(teamId, objectId, dates, timezone, asOf);
  }

  /** Deletes up to `limit` notices from before `cutoff` (the retention sweeper's batch). */
  deleteNoticesOlderThan(cutoff: Date, limit: number): Promise<number> {
    return deleteOlderThan(this.notices, 'at', cutoff, limit);
  }

  /** Deletes up to `limit` card attempts from before `cutoff` (the retention sweeper's batch). */
  deleteCardsOlderThan(cutoff: Date, limit: number): Promise<number> {
    return deleteOlderThan(this.cards, 'at', cutoff, limit);
  }

  /** A deleted team's rows: its statistics go with it. */
  async deleteAllOfTeam(teamId: string): Promise<{ notices: number; cards: number }> {
    const [notices, cards] = await Promise.all([this.notices.deleteMany({ teamId }).exec(), this.cards.deleteMany({ teamId }).exec()]);
    return { notices: notices.deletedCount, cards: cards.deletedCount };
  }

  /** Empties the projection (before a rebuild into this database); how many rows went. */
  async clear(): Promise<{ notices: number; cards: number }> {
    const [notices, cards] = await Promise.all([this.notices.deleteMany({}).exec(), this.cards.deleteMany({}).exec()]);
    return { notices: notices.deletedCount, cards: cards.deletedCount };
  }

  /** How many rows the projection holds. */
  async size(): Promise<{ notices: number; cards: number }> {
    const [notices, cards] = await Promise.all([this.notices.countDocuments({}).exec(), this.cards.countDocuments({}).exec()]);
    return { notices, cards };
  }

  private async countsForDays(teamId: string, objectId: string, dates: readonly string[], timezone: string, asOf: Date): Promise<DailyCounts[]> {
    const start = localDayRange(dates[0]!, timezone).start;
    const end = localDayRange(dates[dates.length - 1]!, timezone).end;
    // Rows up to asOf: `at < min(end, asOf + 1 ms)`.
    const until = new Date(Math.min(end.getTime(), asOf.getTime() + 1));
    if (until <= start) return dailyCountsForDays([], [], { dates, timezone, asOf });
    const [inRange, cards] = await Promise.all([
      this.notices.find({ teamId, objectId, at: { $gte: start, $lt: until } }, NOTICE_FIELDS).lean<CountedNotice[]>().exec(),
      this.cards.find({ teamId, objectId, at: { $gte: start, $lt: until } }, CARD_FIELDS).lean<CountedCard[]>().exec(),
    ]);
    // Whether an alert the range counts was resolved by asOf may be told after the range ends.
    const fired = [...new Set(inRange.filter((notice) => notice.status === 'firing').map((notice) => notice.fingerprint))];
    const later =
      asOf >= end && fired.length > 0
        ? await this.notices.find({ teamId, objectId, fingerprint: { $in: fired }, at: { $gte: end, $lte: asOf } }, NOTICE_FIELDS).lean<CountedNotice[]>().exec()
        : [];
    return dailyCountsForDays([...inRange, ...later], cards, { dates, timezone, asOf });
  }
}

/** The projection's models and its repository. Needs MongooseModule.forRoot in the app. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ALERT_NOTICE_MODEL, schema: alertNoticeSchema },
      { name: CARD_ATTEMPT_MODEL, schema: cardAttemptSchema },
    ]),
  ],
  providers: [DailyStatsRepository],
  exports: [DailyStatsRepository],
})
export class DailyStatsDataModule {}
