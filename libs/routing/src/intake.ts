import { randomUUID } from 'node:crypto';
import { isEventInstant, toLabelPairs, type AlertEvent, type AlertmanagerWebhook, type PrometheusAlerts } from '@alertlark/contracts';
import { alertFingerprint } from './fingerprint';

/** Alertmanager writes this for "not ended yet". */
const ZERO_TIME = /^0001-01-01T00:00:00/;

/** An instant as the event contract writes it, or undefined when it is not one (or beyond year 9999). */
function isoInstant(value: string): string | undefined {
  const ms = Date.parse(value);
  return isEventInstant(ms) ? new Date(ms).toISOString() : undefined;
}

function endsAtOf(value: string | undefined): string | undefined {
  if (!value || ZERO_TIME.test(value)) return undefined;
  return isoInstant(value);
}

export interface IntakeContext {
  teamId: string;
  now: Date;
  newEventId?: () => string;
}

/**
 * What the request schemas (`alertmanagerWebhookSchema`, `prometheusAlertsSchema`) accepted, as
 * events. Every event made of a request those schemas accepted satisfies `alertEventSchema`
 * (intake.spec.ts checks it on fixed edge cases and generated requests), so ingest validates once,
 * at the request, and sends the events without parsing them again.
 */
function toEvent(
  context: IntakeContext,
  source: AlertEvent['source'],
  alert: { labels: Record<string, string>; annotations: Record<string, string>; startsAt?: string; endsAt?: string; generatorURL?: string },
  status: AlertEvent['status'],
  endsAt: string | undefined,
): AlertEvent {
  const labels = toLabelPairs(alert.labels);
  // The schemas' `startsAt` is an instant within years 0000–9999 (so this is one too); none means now.
  const startsAt = alert.startsAt === undefined ? context.now.toISOString() : new Date(alert.startsAt).toISOString();
  return {
    eventId: (context.newEventId ?? randomUUID)(),
    teamId: context.teamId,
    fingerprint: alertFingerprint(labels),
    status,
    labels,
    annotations: toLabelPairs(alert.annotations),
    startsAt,
    ...(endsAt ? { endsAt } : {}),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    source,
    receivedAt: context.now.toISOString(),
  };
}

function checkContext(context: IntakeContext): void {
  // The contract wants a team; the ingest token guard always finds one, this keeps the claim above true.
  if (!context.teamId) throw new TypeError('an alert event needs a team id');
}

/** One event per alert of an Alertmanager webhook; each alert carries its own status. */
export function alertEventsFromWebhook(context: IntakeContext, webhook: AlertmanagerWebhook): AlertEvent[] {
  checkContext(context);
  return webhook.alerts.map((alert) => toEvent(context, 'alertmanager', alert, alert.status, endsAtOf(alert.endsAt)));
}

/**
 * One event per alert Prometheus pushed. Prometheus sends no status: an alert whose `endsAt` is
 * already past is resolved; a firing one carries an `endsAt` a few resend intervals ahead.
 */
export function alertEventsFromPrometheus(context: IntakeContext, alerts: PrometheusAlerts): AlertEvent[] {
  checkContext(context);
  const now = context.now.getTime();
  return alerts.map((alert) => {
    const endsAt = endsAtOf(alert.endsAt);
    const status = endsAt && Date.parse(endsAt) <= now ? 'resolved' : 'firing';
    return toEvent(context, 'prometheus', alert, status, endsAt);
  });
}
