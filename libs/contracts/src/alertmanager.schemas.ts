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
const instant = z.iso.datetime({ offset: true }).refine((value) => isEventInstant(Date.parse(value)), 'must fall within the years 0000–9999 in UTC');

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
