import { z } from 'zod';
import { dailySummaryEventSchema, type DailySummaryEvent } from './daily-summary.event';
import { notificationEventSchema, type NotificationEvent } from './notification.event';

/**
 * What lark-sender posts, from `alertlark.notifications.v1`: an alert group's notification (no
 * `kind`, as the router has always written them) or a daily summary. Told apart by `kind`, so a bad
 * message is reported against the shape it meant to be.
 */
export const larkNotificationSchema = z.discriminatedUnion('kind', [
  dailySummaryEventSchema,
  notificationEventSchema.extend({ kind: z.literal('alert-group').optional() }),
]);
export type LarkNotification = NotificationEvent | DailySummaryEvent;

export function isDailySummary(notification: LarkNotification): notification is DailySummaryEvent {
  return 'kind' in notification && notification.kind === 'daily-summary';
}
