import { z } from 'zod';

/**
 * What one request may carry. Each bound keeps one client's request from costing everyone:
 * label bytes are copied into every group key and card, and an alert's annotations travel in
 * every notification of its group. Ingest sets them from its environment (ingest.env.ts).
 */
export interface AlertRequestLimits {
  /** Alerts in one request. */
  maxAlerts: number;
  /** Labels on one alert. */
  maxLabels: number;
  /** UTF-8 bytes of one label name, and of one label value. */
  maxLabelBytes: number;
  /** UTF-8 bytes of one annotation, name and value together. */
  maxAnnotationBytes: number;
}

export const DEFAULT_ALERT_REQUEST_LIMITS: AlertRequestLimits = { maxAlerts: 10_000, maxLabels: 128, maxLabelBytes: 2048, maxAnnotationBytes: 16 * 1024 };

/** The summaries of a webhook (group and common labels), which no event carries. */
const summaryMap = z.record(z.string(), z.string());

/**
 * Years 0001–9999 in UTC: what `toISOString()` writes as a 4-digit year and the event contract
 * accepts. Year 0000 is refused too: Go (Alertmanager, Prometheus) has no year 0, and `0001-01-01`
 * is already its zero time.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether an instant (epoch ms) lies in years 0001–9999 UTC, so prints as a timestamp `z.iso.datetime` accepts. */
export function isEventInstant(ms: number): boolean {
  return ms >= EARLIEST && ms <= LATEST;
}

/**
 * RFC 3339 with an offset, whose instant lies in years 0001–9999 UTC: `0001-01-01T00:30:00+01:00`
 * is valid RFC 3339 but falls in year 0 once in UTC, which no event could carry.
 */
const isoDateTime = z.iso.datetime({ offset: true });
const instant = isoDateTime.refine((value) => isEventInstant(Date.parse(value)), {
  message: 'must be an RFC 3339 timestamp within the years 0001–9999 in UTC',
  // One issue per field: not this one as well when the text is no timestamp at all.
  when: (payload) => payload.issues.length === 0,
});

/** UTF-8 bytes of `text` when they are over `limit`, else undefined; measured only when they could be. */
function bytesOver(text: string, limit: number): number | undefined {
  // A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair, two units, takes 4).
  if (text.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limit ? bytes : undefined;
}

/**
 * Whether `text` holds no lone surrogate, so is valid UTF-8 once encoded: ES2024's native
 * `isWellFormed` (Node 20+; the workspace's TypeScript lib predates it), cheaper on the hot path
 * than a regular expression per label.
 */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

const shown = (name: string) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);

/**
 * What is wrong with one label, if anything: `at` is set when the message is about its value.
 * Names are what Prometheus 3 takes: any non-empty valid UTF-8 (a lone surrogate in JSON text is not);
 * the event contract refuses an empty one.
 */
function labelProblem(name: string, value: string, limits: AlertRequestLimits): { at?: string; message: string } | undefined {
  if (name === '') return { message: 'a label name must not be empty' };
  if (!isWellFormed(name)) return { message: `label name ${shown(name)} is not valid UTF-8 (it holds a lone surrogate)` };
  const nameBytes = bytesOver(name, limits.maxLabelBytes);
  if (nameBytes !== undefined) return { message: `label name ${shown(name)} takes ${nameBytes} bytes, over the limit of ${limits.maxLabelBytes}` };
  if (!isWellFormed(value)) return { at: name, message: 'label value is not valid UTF-8 (it holds a lone surrogate)' };
  const valueBytes = bytesOver(value, limits.maxLabelBytes);
  if (valueBytes !== undefined) return { at: name, message: `label value takes ${valueBytes} bytes, over the limit of ${limits.maxLabelBytes}` };
  return undefined;
}

function annotationProblem(name: string, value: string, limits: AlertRequestLimits): { at?: string; message: string } | undefined {
  if (name === '') return { message: 'an annotation name must not be empty' };
  if ((name.length + value.length) * 3 <= limits.maxAnnotationBytes) return undefined;
  const bytes = Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8');
  if (bytes > limits.maxAnnotationBytes) return { at: name, message: `annotation takes ${bytes} bytes (name and value), over the limit of ${limits.maxAnnotationBytes}` };
  return undefined;
}

function labelsSchema(limits: AlertRequestLimits) {
  return z.record(z.string(), z.string()).superRefine((labels, context) => {
    const names = Object.keys(labels);
    if (names.length === 0) context.addIssue({ code: 'custom', message: 'must hold at least one label' });
    if (names.length > limits.maxLabels) context.addIssue({ code: 'custom', message: `${names.length} labels, over the limit of ${limits.maxLabels}` });
    for (const name of names) {
      const problem = labelProblem(name, labels[name]!, limits);
      if (problem) context.addIssue({ code: 'custom', message: problem.message, path: problem.at === undefined ? [] : [problem.at] });
    }
  });
}

function annotationsSchema(limits: AlertRequestLimits) {
  return z
    .record(z.string(), z.string())
    .superRefine((annotations, context) => {
      for (const name of Object.keys(annotations)) {
        const problem = annotationProblem(name, annotations[name]!, limits);
        if (problem) context.addIssue({ code: 'custom', message: problem.message, path: problem.at === undefined ? [] : [problem.at] });
      }
    })
    .default({});
}

/** Alertmanager's webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export function alertmanagerWebhookSchemaWith(limits: AlertRequestLimits) {
  return z.object({
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
          labels: labelsSchema(limits),
          annotations: annotationsSchema(limits),
          startsAt: instant,
          // Alertmanager writes its zero time, 0001-01-01T00:00:00Z, for "not ended yet".
          endsAt: instant.optional(),
          generatorURL: z.string().optional(),
          fingerprint: z.string().optional(),
        }),
      )
      .max(limits.maxAlerts, `more than ${limits.maxAlerts} alerts in one request`),
  });
}
export const alertmanagerWebhookSchema = alertmanagerWebhookSchemaWith(DEFAULT_ALERT_REQUEST_LIMITS);
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** What Prometheus POSTs to an Alertmanager's /api/v2/alerts: a JSON array of postable alerts. */
export function prometheusAlertsSchemaWith(limits: AlertRequestLimits) {
  return z
    .array(
      z.object({
        labels: labelsSchema(limits),
        annotations: annotationsSchema(limits),
        startsAt: instant.optional(),
        endsAt: instant.optional(),
        generatorURL: z.string().optional(),
      }),
    )
    .max(limits.maxAlerts, `more than ${limits.maxAlerts} alerts in one request`);
}
export const prometheusAlertsSchema = prometheusAlertsSchemaWith(DEFAULT_ALERT_REQUEST_LIMITS);
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

/** What `labelsSchema` takes unchanged: string values under names it takes, none of them `__proto__`. */
function isLabels(value: unknown, limits: AlertRequestLimits): boolean {
  if (!isPlain(value)) return false;
  const names = Object.keys(value);
  if (names.length === 0 || names.length > limits.maxLabels) return false;
  for (const name of names) {
    const label = value[name];
    if (name === '__proto__' || typeof label !== 'string' || labelProblem(name, label, limits)) return false;
  }
  return true;
}

function isAnnotations(value: unknown, limits: AlertRequestLimits): boolean {
  if (value === undefined) return true;
  if (!isPlain(value)) return false;
  for (const name of Object.keys(value)) {
    const annotation = value[name];
    if (name === '__proto__' || typeof annotation !== 'string' || annotationProblem(name, annotation, limits)) return false;
  }
  return true;
}

function isAlert(alert: Record<string, unknown>, limits: AlertRequestLimits): boolean {
  return isLabels(alert.labels, limits) && isAnnotations(alert.annotations, limits) && isOptionalString(alert.generatorURL) && isOptionalInstant(alert.endsAt);
}

function isOptionalInstant(value: unknown): boolean {
  return value === undefined || isInstant(value);
}

const PROMETHEUS_ALERT_KEYS = new Set(['labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL']);

export function fastPrometheusAlertsWith(limits: AlertRequestLimits): (value: unknown) => PrometheusAlerts | undefined {
  return (value) => {
    if (!Array.isArray(value) || value.length > limits.maxAlerts) return undefined;
    for (const alert of value as unknown[]) {
      if (!isPlain(alert) || !hasOnly(alert, PROMETHEUS_ALERT_KEYS) || !isAlert(alert, limits) || !isOptionalInstant(alert.startsAt)) return undefined;
    }
    // Only once all passed: a body handed on to zod is as it came.
    for (const alert of value as Record<string, unknown>[]) alert.annotations ??= {};
    return value as PrometheusAlerts;
  };
}
export const fastPrometheusAlerts = fastPrometheusAlertsWith(DEFAULT_ALERT_REQUEST_LIMITS);

const WEBHOOK_ALERT_KEYS = new Set(['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']);
const webhookEnvelopeSchema = alertmanagerWebhookSchema.omit({ alerts: true });

export function fastAlertmanagerWebhookWith(limits: AlertRequestLimits): (value: unknown) => AlertmanagerWebhook | undefined {
  return (value) => {
    if (!isPlain(value) || !Array.isArray(value.alerts) || value.alerts.length > limits.maxAlerts) return undefined;
    const { alerts, ...rest } = value as { alerts: unknown[] };
    // The envelope is small and read once: zod, unknown keys stripped as the schema does.
    const envelope = webhookEnvelopeSchema.safeParse(rest);
    if (!envelope.success) return undefined;
    for (const alert of alerts) {
      if (!isPlain(alert) || !hasOnly(alert, WEBHOOK_ALERT_KEYS) || !isAlert(alert, limits)) return undefined;
      if ((alert.status !== 'firing' && alert.status !== 'resolved') || !isInstant(alert.startsAt) || !isOptionalString(alert.fingerprint)) return undefined;
    }
    for (const alert of alerts as Record<string, unknown>[]) alert.annotations ??= {};
    return { ...envelope.data, alerts } as AlertmanagerWebhook;
  };
}
export const fastAlertmanagerWebhook = fastAlertmanagerWebhookWith(DEFAULT_ALERT_REQUEST_LIMITS);
