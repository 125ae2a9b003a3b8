import type { DeliveryEvent, NotificationEvent } from '@alertlark/contracts';

/**
 * One alert as one notification carried it to one chatbot: the daily-statistics projection's
 * row for `alertlark.notifications.v1`. `_id` is `<notificationId>/<fingerprint>`, so a redelivered
 * or replayed notification inserts nothing new.
 */
export interface AlertNotice {
  _id: string;
  teamId: string;
  objectId: string;
  notificationId: string;
  fingerprint: string;
  alertname: string;
  /** The `severity` label; `none` when the alert has none. */
  severity: string;
  status: 'firing' | 'resolved';
  /** The notification's `createdAt`. */
  at: Date;
}

/**
 * One settled attempt from `alertlark.deliveries.v1` (`_id` is its `deliveryId`). Only outcomes
 * that count are kept: `retrying` attempts are left out.
 */
export interface CardAttempt {
  _id: string;
  teamId: string;
  objectId: string;
  notificationId: string;
  /** The request the notification went out in: its digest's id, or its own notification id. */
  requestId: string;
  outcome: 'delivered' | 'failed' | 'dead-lettered';
  at: Date;
}

export const NO_SEVERITY = 'none';
export const NO_ALERTNAME = '(no alertname)';

/** Daily summaries' notification ids (`daily/<objectId>/<date>/<HH:mm>`, see `dailySummaryId`). */
const DAILY_SUMMARY_ID = /^daily\//;

/** Thrown for an event whose timestamp is not a time: it can never be projected. */
export class UnprojectableEventError extends Error {}

function instant(value: string, field: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new UnprojectableEventError(`${field} "${value}" is not a timestamp`);
  return at;
}

const label = (labels: readonly { name: string; value: string }[], name: string): string | undefined => {
  const value = labels.find((pair) => pair.name === name)?.value;
  return value === undefined || value === '' ? undefined : value;
};

/**
 * Notices of one alert repeat for every notification of its group (a growing group is re-sent every
 * group interval, each time with all its alerts): within one such slot of time they say nothing new
 * to the counts, so they share one row. Every time zone's midnight falls on a slot boundary (offsets
 * are whole quarter hours), so a day still sees each alert notified in it.
 */
export const NOTICE_SLOT_MS = 15 * 60_000;

/**
 * The rows an alert notification adds: one per alert it carries, identified by chatbot, alert,
 * status, firing episode (`startsAt`: an alert that fires again starts anew) and slot of time, so
 * the first notification in a slot writes the row and the next ones find it there.
 */
export function alertNoticesOf(notification: NotificationEvent): AlertNotice[] {
  const at = instant(notification.createdAt, 'createdAt');
  const slot = Math.floor(at.getTime() / NOTICE_SLOT_MS);
  return notification.alerts.map((alert) => ({
    _id: `${notification.objectId}/${alert.fingerprint}/${alert.status}/${alert.startsAt}/${slot}`,
    teamId: notification.teamId,
    objectId: notification.objectId,
    notificationId: notification.notificationId,
    fingerprint: alert.fingerprint,
    alertname: label(alert.labels, 'alertname') ?? NO_ALERTNAME,
    severity: label(alert.labels, 'severity') ?? NO_SEVERITY,
    status: alert.status,
    at,
  }));
}

/**
 * The row a delivery event adds, or none: `retrying` attempts and the attempts of daily
 * summaries (the statistics count alert cards, not themselves) are not counted.
 */
export function cardAttemptOf(delivery: DeliveryEvent): CardAttempt | undefined {
  if (delivery.outcome === 'retrying' || DAILY_SUMMARY_ID.test(delivery.notificationId)) return undefined;
  return {
    _id: delivery.deliveryId,
    teamId: delivery.teamId,
    objectId: delivery.objectId,
    notificationId: delivery.notificationId,
    requestId: delivery.digestId ?? delivery.notificationId,
    outcome: delivery.outcome,
    at: instant(delivery.at, 'at'),
  };
}
