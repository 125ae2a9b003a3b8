import { z } from 'zod';

const labelMap = z.record(z.string(), z.string());

/** Alertmanager's webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: labelMap.optional(),
  commonLabels: labelMap.optional(),
  commonAnnotations: labelMap.optional(),
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: labelMap.refine((labels) => Object.keys(labels).length > 0, 'must hold at least one label'),
        annotations: labelMap.default({}),
        startsAt: z.iso.datetime({ offset: true }),
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
      startsAt: z.iso.datetime({ offset: true }).optional(),
      endsAt: z.iso.datetime({ offset: true }).optional(),
      generatorURL: z.string().optional(),
    }),
  )
  .max(10_000);
export type PrometheusAlerts = z.infer<typeof prometheusAlertsSchema>;
