import { z } from 'zod';

const count = z.number().int().min(0);

/**
 * One notification object's numbers for one local day (definitions: apps/stats/README.md). The
 * console serves them per day; the stats service posts them at each configured time.
 */
export const dailyCountsSchema = z.object({
  /** Local calendar day, YYYY-MM-DD, in `timezone`. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  timezone: z.string(),
  total: count,
  resolved: count,
  unresolved: count,
  /** Most alerts first. */
  bySeverity: z.array(z.object({ severity: z.string(), count })),
  /** At most 10, most alerts first. */
  topAlertnames: z.array(z.object({ alertname: z.string(), count })),
  cardsSent: count,
  cardsFailed: count,
});
export type DailyCounts = z.infer<typeof dailyCountsSchema>;

/**
 * A daily summary for lark-sender to post, on `alertlark.notifications.v1` beside the alert
 * notifications (keyed by `notificationKey`, so signing, keywords and the webhook's rate budget
 * apply alike).
 * `notificationId` is `daily/<objectId>/<date>/<HH:mm>`: however many stats processes publish it,
 * the sender's ledger posts it once.
 */
export const dailySummaryEventSchema = z.object({
  kind: z.literal('daily-summary'),
  notificationId: z.string().min(1),
  teamId: z.string().min(1),
  objectId: z.string().min(1),
  /** The configured time of day it is for, HH:mm. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** Posted after its time because stats was down then (within the grace window). */
  late: z.boolean(),
  counts: dailyCountsSchema,
  createdAt: z.string(),
});
export type DailySummaryEvent = z.infer<typeof dailySummaryEventSchema>;

export function dailySummaryId(objectId: string, date: string, time: string): string {
  return `daily/${objectId}/${date}/${time}`;
}
