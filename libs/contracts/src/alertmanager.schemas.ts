import { z } from 'zod';

/**
 * Names are never empty: the events ingest makes of these (libs/routing intake) carry them as
 * label pairs, whose names the event contract requires non-empty. Alertmanager and Prometheus
 * never send an empty one either.
 */
const labelMap = z.record(z.string().min(1, 'a label or annotation name must not be empty'), z.string());
/** The webhook's summaries (group and common labels), which no event carries. */
const summaryMap = z.record(z.string(), z.string());

/** Years 0000–9999 in UTC: what `toISOString()` writes as a 4-digit year, and the event contract accepts. */
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether an instant (epoch ms) prints as an RFC 3339 timestamp `z.iso.datetime` accepts. */
export function isEventInstant(ms: number): boolean {
  return ms >= EARLIEST && ms <= LATEST;
}

/**
 * RFC 3339 with an offset, whose instant lies in years 0000–9999 UTC: `0000-01-01T00:30:00+01:00`
 * is valid RFC 3339 but falls in year -1 once in UTC, which no event could carry.
 */
const isoDateTime = z.iso.datetime({ offset: true });
const instant = isoDateTime.refine((value) => isEventInstant(Date.parse(value)), 'must fall within the years 0000–9999 in UTC');

/** Alertmanager's webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: summaryMap.optional(),
  commonLabels: summaryMap.optional(),
  commonAnnotations: summaryMap.optional(),
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: labelMap.refine((labels) => Object.keys(labels).length > 0, 'must hold at least one label'),
        annotations: labelMap.default({}),
        startsAt: instant,
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z.string().optional(),
      }),
    )
    .max(10_000),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** What Prometheus POSTs to an Alertmanager's /api/v2/alerts: a JSON array of postable alerts. */
export const prometheusAlertsSchema = z
  .array(
    z.object({
      labels: labelMap.refine((labels) => Object.keys(labels).length > 0, 'must hold at least one label'),
      annotations: labelMap.default({}),
      startsAt: instant.optional(),
      endsAt: instant.optional(),
      generatorURL: z.string().optional(),
    }),
  )
  .max(10_000);
export type PrometheusAlerts = z.infer<typeof prometheusAlertsSchema>;

/*
 * The same checks without zod, for ingest's hot path (zod was a tenth of ingest's CPU per alert).
 * Each returns the body itself, with zod's one default filled in (`annotations: {}`), exactly when
 * the schema would accept it and give back an equal value; anything else (a refusal, or what zod
 * would change: an unknown key it strips, a `__proto__` name it drops) is `undefined`, and the
 * caller asks the schema, which also words the 400. `libs/routing/src/intake.spec.ts` checks the
 * agreement with the schemas on edge cases and generated bodies.
 */

const INSTANT = isoDateTime._zod.pattern;

function isInstant(value: unknown): boolean {
  return typeof value === 'string' && INSTANT.test(value) && isEventInstant(Date.parse(value));
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function hasOnly(value: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const key of Object.keys(value)) if (!keys.has(key)) return false;
  return true;
}

/** What `labelMap` takes unchanged: string values under non-empty names, none of them `__proto__`. */
function isLabelMap(value: unknown, atLeastOne: boolean): boolean {
  if (!isPlain(value)) return false;
  const names = Object.keys(value);
  for (const name of names) if (name === '' || name === '__proto__' || typeof value[name] !== 'string') return false;
  return names.length > 0 || !atLeastOne;
}

function isAlert(alert: Record<string, unknown>): boolean {
  return isLabelMap(alert.labels, true) && (alert.annotations === undefined || isLabelMap(alert.annotations, false)) && isOptionalString(alert.generatorURL);
}

const PROMETHEUS_ALERT_KEYS = new Set(['labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL']);

export function fastPrometheusAlerts(value: unknown): PrometheusAlerts | undefined {
  if (!Array.isArray(value) || value.length > 10_000) return undefined;
  for (const alert of value as unknown[]) {
    if (!isPlain(alert) || !hasOnly(alert, PROMETHEUS_ALERT_KEYS) || !isAlert(alert)) return undefined;
    if ((alert.startsAt !== undefined && !isInstant(alert.startsAt)) || (alert.endsAt !== undefined && !isInstant(alert.endsAt))) return undefined;
  }
  // Only once all passed: a body handed on to zod is as it came.
  for (const alert of value as Record<string, unknown>[]) alert.annotations ??= {};
  return value as PrometheusAlerts;
}

const WEBHOOK_ALERT_KEYS = new Set(['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']);
const webhookEnvelopeSchema = alertmanagerWebhookSchema.omit({ alerts: true });

export function fastAlertmanagerWebhook(value: unknown): AlertmanagerWebhook | undefined {
  if (!isPlain(value) || !Array.isArray(value.alerts) || value.alerts.length > 10_000) return undefined;
  const { alerts, ...rest } = value as { alerts: unknown[] };
  // The envelope is small and read once: zod, unknown keys stripped as the schema does.
  const envelope = webhookEnvelopeSchema.safeParse(rest);
  if (!envelope.success) return undefined;
  for (const alert of alerts) {
    if (!isPlain(alert) || !hasOnly(alert, WEBHOOK_ALERT_KEYS) || !isAlert(alert)) return undefined;
    if ((alert.status !== 'firing' && alert.status !== 'resolved') || !isInstant(alert.startsAt) || !isOptionalString(alert.endsAt) || !isOptionalString(alert.fingerprint)) return undefined;
  }
  for (const alert of alerts as Record<string, unknown>[]) alert.annotations ??= {};
  return { ...envelope.data, alerts } as AlertmanagerWebhook;
}
