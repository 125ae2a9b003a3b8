import { randomUUID } from 'node:crypto';
import { notificationAlertCounts } from '@alertlark/lark';
import type { DeliveryEvent, DeliveryOutcome, LarkNotification } from '@alertlark/contracts';
import type { DeliveryLedgerEntry } from '@alertlark/persistence';

/** What Lark (or the network) said of one attempt. */
export type AttemptDetail = Partial<Pick<DeliveryEvent, 'httpStatus' | 'larkCode' | 'larkMsg' | 'error'>>;

/**
 * An attempt's id. A final outcome has one id per notification and outcome, so publishing it again
 * (a replay that finds it in the ledger) is recorded once: the console's audit and stats keep each
 * `deliveryId` once. A retry, or a dead-lettered notification delivered after a replay, is new.
 */
export function deliveryIdOf(notificationId: string, outcome: DeliveryOutcome): string {
  return outcome === 'retrying' ? randomUUID() : `${outcome}-${notificationId}`;
}

export function deliveryEvent(
  notification: LarkNotification,
  attempt: number,
  outcome: DeliveryOutcome,
  detail: AttemptDetail,
  durationMs: number,
  digestId?: string,
  at = new Date(),
): DeliveryEvent {
  return {
    deliveryId: deliveryIdOf(notification.notificationId, outcome),
    notificationId: notification.notificationId,
    teamId: notification.teamId,
    objectId: notification.objectId,
    attempt,
    outcome,
    ...(digestId ? { digestId } : {}),
    ...detail,
    alertCount: alertCount(notification),
    at: at.toISOString(),
    durationMs,
  };
}

/**
 * The outcome the ledger holds, as its event. The ledger row is written before the event is
 * published, so a sender killed between the two left the card sent and its event unpublished: the
 * next owner publishes it from the row when the replay finds the notification finished.
 */
export function recordedDeliveryEvent(notification: LarkNotification, row: DeliveryLedgerEntry): DeliveryEvent {
  return deliveryEvent(notification, row.attempts, row.outcome, row.larkCode !== undefined ? { larkCode: row.larkCode } : {}, 0, row.digestId, row.finishedAt);
}

/** Alerts a notification speaks for (a daily summary: none of its own). */
function alertCount(notification: LarkNotification): number {
  const counts = notificationAlertCounts(notification);
  return counts.firing + counts.resolved;
}
