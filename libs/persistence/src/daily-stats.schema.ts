import { Schema, type Connection, type Model } from 'mongoose';
import type { AlertNotice, CardAttempt } from '@alertlark/daily-stats';

/**
 * The daily-statistics projection (apps/stats/README.md): insert-only rows with deterministic ids,
 * written by the stats service from `alertlark.notifications.v1` and `alertlark.deliveries.v1`,
 * read by the stats scheduler and the console. Nothing else writes them, so a replay of the two
 * topics (`npm run stats:rebuild`) rebuilds them identically.
 */
export type AlertNoticeDocument = AlertNotice;
export type CardAttemptDocument = CardAttempt;

export const ALERT_NOTICE_MODEL = 'StatsAlertNotice';
export const CARD_ATTEMPT_MODEL = 'StatsCardAttempt';
export const DAILY_STATS_COLLECTIONS = { notices: 'stats_alert_notices', cards: 'stats_card_attempts' } as const;

export const alertNoticeSchema = new Schema<AlertNoticeDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    objectId: { type: String, required: true },
    notificationId: { type: String, required: true },
    fingerprint: { type: String, required: true },
    alertname: { type: String, required: true },
    severity: { type: String, required: true },
    status: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: DAILY_STATS_COLLECTIONS.notices, versionKey: false },
);
// Serves countsFor/countsForRange: one chatbot's notices from a day's start up to asOf.
alertNoticeSchema.index({ teamId: 1, objectId: 1, at: 1 });
// Serves the same reads' second query: later notices about the alerts a past range counted.
alertNoticeSchema.index({ teamId: 1, objectId: 1, fingerprint: 1, at: 1 });
// Serves the stats retention sweeper (rows older than STATS_RETENTION_DAYS).
alertNoticeSchema.index({ at: 1 });

export const cardAttemptSchema = new Schema<CardAttemptDocument>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    objectId: { type: String, required: true },
    notificationId: { type: String, required: true },
    requestId: { type: String, required: true },
    outcome: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: DAILY_STATS_COLLECTIONS.cards, versionKey: false },
);
// Serves countsFor/countsForRange: one chatbot's settled attempts within the days asked.
cardAttemptSchema.index({ teamId: 1, objectId: 1, at: 1 });
// Serves the stats retention sweeper.
cardAttemptSchema.index({ at: 1 });

export interface DailyStatsModels {
  notices: Model<AlertNoticeDocument>;
  cards: Model<CardAttemptDocument>;
}

/** The projection's models on a connection of one's own (the rebuild command's target database). */
export function dailyStatsModels(connection: Connection): DailyStatsModels {
  return {
    notices: connection.models[ALERT_NOTICE_MODEL] ?? connection.model(ALERT_NOTICE_MODEL, alertNoticeSchema),
    cards: connection.models[CARD_ATTEMPT_MODEL] ?? connection.model(CARD_ATTEMPT_MODEL, cardAttemptSchema),
  } as DailyStatsModels;
}
