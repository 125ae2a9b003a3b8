import { randomUUID } from 'node:crypto';
import { toLabelPairs, type AlertEvent, type AlertmanagerWebhook, type PrometheusAlerts } from '@alertlark/contracts';
import { alertFingerprint } from './fingerprint';

/** Alertmanager writes this for "not ended yet". */
const ZERO_TIME = /^0001-01-01T00:00:00/;

function endsAtOf(value: string | undefined): string | undefined {
  if (!value || ZERO_TIME.test(value)) return undefined;
  return Number.isNaN(Date.parse(value)) ? undefined : new Date(value).toISOString();
}

interface IntakeContext {
  teamId: string;
  now: Date;
  newEventId?: () => string;
}

function toEvent(
  context: IntakeContext,
  source: AlertEvent['source'],
  alert: { labels: Record<string, string>; annotations: Record<string, string>; startsAt?: string; endsAt?: string; generatorURL?: string },
  status: AlertEvent['status'],
): AlertEvent {
  const labels = toLabelPairs(alert.labels);
  const endsAt = endsAtOf(alert.endsAt);
  return {
    eventId: (context.newEventId ?? randomUUID)(),
    teamId: context.teamId,
    fingerprint: alertFingerprint(labels),
    status,
    labels,
    annotations: toLabelPairs(alert.annotations),
    startsAt: new Date(alert.startsAt ?? context.now).toISOString(),
    ...(endsAt ? { endsAt } : {}),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    source,
    receivedAt: context.now.toISOString(),
  };
}

/** One event per alert of an Alertmanager webhook; each alert carries its own status. */
export function alertEventsFromWebhook(context: IntakeContext, webhook: AlertmanagerWebhook): AlertEvent[] {
  return webhook.alerts.map((alert) => toEvent(context, 'alertmanager', alert, alert.status));
}

/**
 * One event per alert Prometheus pushed. Prometheus sends no status: an alert whose `endsAt` is
 * already past is resolved; a firing one carries an `endsAt` a few resend intervals ahead.
 */
export function alertEventsFromPrometheus(context: IntakeContext, alerts: PrometheusAlerts): AlertEvent[] {
  return alerts.map((alert) => {
    const endsAt = endsAtOf(alert.endsAt);
    const status = endsAt && Date.parse(endsAt) <= context.now.getTime() ? 'resolved' : 'firing';
    return toEvent(context, 'prometheus', alert, status);
  });
}
