import { randomUUID } from 'node:crypto';
import type { AlertEvent, AlertmanagerWebhook, LabelPair, PrometheusAlerts } from '@alertlark/contracts';
import { alertFingerprint } from './fingerprint';

/** Alertmanager writes this for "not ended yet". */
const ZERO_TIME = /^0001-01-01T00:00:00/;

/**
 * The epoch ms of an `endsAt`, NaN for none or Alertmanager's zero time. The request schemas took
 * it as an instant within years 0001–9999, so it prints as the event contract wants.
 */
function endsAtMs(value: string | undefined): number {
  return !value || ZERO_TIME.test(value) ? Number.NaN : Date.parse(value);
}

function isoOrUndefined(ms: number): string | undefined {
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export interface IntakeContext {
  teamId: string;
  now: Date;
  newEventId?: () => string;
}

/** What every event of one request shares, worked out once per request. */
interface RequestScope {
  teamId: string;
  receivedAt: string;
  newEventId: () => string;
}

/**
 * Label pairs sorted by name, as `toLabelPairs` makes them: the default sort compares UTF-16 code
 * units like its comparator, and names in a record are unique. Sorting the names alone is cheaper.
 */
function labelPairs(labels: Record<string, string>): LabelPair[] {
  const names = Object.keys(labels).sort();
  const pairs: LabelPair[] = [];
  for (const name of names) pairs.push({ name, value: labels[name]! });
  return pairs;
}

/**
 * What the request schemas (`alertmanagerWebhookSchema`, `prometheusAlertsSchema`) accepted, as
 * events. Every event made of a request those schemas accepted satisfies `alertEventSchema`
 * (intake.spec.ts checks it on fixed edge cases and generated requests), so ingest validates once,
 * at the request, and sends the events without parsing them again.
 *
 * Every event has the same shape (cheaper for V8 than spreads): an `endsAt` or `generatorURL` it
 * does not have is `undefined`, which JSON leaves out like an absent key.
 */
function toEvent(
  scope: RequestScope,
  source: AlertEvent['source'],
  alert: { labels: Record<string, string>; annotations: Record<string, string>; startsAt?: string; generatorURL?: string },
  status: AlertEvent['status'],
  endsAt: string | undefined,
): AlertEvent {
  const labels = labelPairs(alert.labels);
  return {
    eventId: scope.newEventId(),
    teamId: scope.teamId,
    fingerprint: alertFingerprint(labels),
    status,
    labels,
    annotations: labelPairs(alert.annotations),
    // The schemas' `startsAt` is an instant within years 0001–9999 (so this is one too); none means now.
    startsAt: alert.startsAt === undefined ? scope.receivedAt : new Date(alert.startsAt).toISOString(),
    endsAt,
    generatorURL: alert.generatorURL || undefined,
    source,
    receivedAt: scope.receivedAt,
  };
}

function scopeOf(context: IntakeContext): RequestScope {
  // The contract wants a team; the ingest token guard always finds one, this keeps the claim above true.
  if (!context.teamId) throw new TypeError('an alert event needs a team id');
  return { teamId: context.teamId, receivedAt: context.now.toISOString(), newEventId: context.newEventId ?? randomUUID };
}

/** One event per alert of an Alertmanager webhook; each alert carries its own status. */
export function alertEventsFromWebhook(context: IntakeContext, webhook: AlertmanagerWebhook): AlertEvent[] {
  const scope = scopeOf(context);
  return webhook.alerts.map((alert) => toEvent(scope, 'alertmanager', alert, alert.status, isoOrUndefined(endsAtMs(alert.endsAt))));
}

/**
 * One event per alert Prometheus pushed. Prometheus sends no status: an alert whose `endsAt` is
 * already past is resolved; a firing one carries an `endsAt` a few resend intervals ahead.
 */
export function alertEventsFromPrometheus(context: IntakeContext, alerts: PrometheusAlerts): AlertEvent[] {
  const scope = scopeOf(context);
  const now = context.now.getTime();
  return alerts.map((alert) => {
    const ends = endsAtMs(alert.endsAt);
    return toEvent(scope, 'prometheus', alert, ends <= now ? 'resolved' : 'firing', isoOrUndefined(ends));
  });
}
