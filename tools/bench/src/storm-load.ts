/**
 * The delivery storm's alerts, and the request bodies that carry them: Alertmanager webhooks (v4)
 * for Alertlark's ingest, postable alerts for Alertmanager's `POST /api/v2/alerts`, and the
 * Alertmanager configuration. Pure: no I/O, so the spec checks it.
 */
import type { AlertmanagerWebhook, PrometheusAlerts } from '@alertlark/contracts';

export interface StormShape {
  /** Alerts in the storm: `alertnames` × instances (instances = alerts / alertnames, rounded up). */
  alerts: number;
  alertnames: number;
}

export interface StormAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  generatorURL: string;
}

const SEVERITIES = ['critical', 'warning', 'warning', 'info', 'info'] as const;

export const stormAlertname = (index: number) => `StormAlert${String(index).padStart(4, '0')}`;

/** Each alertname's firing alerts once the whole storm is in (alert `i` has alertname `i mod alertnames`). */
export function stormFinalCounts(shape: { alerts: number; alertnames: number }): Map<string, number> {
  const base = Math.floor(shape.alerts / shape.alertnames);
  return new Map(Array.from({ length: shape.alertnames }, (_, index) => [stormAlertname(index), base + (index < shape.alerts % shape.alertnames ? 1 : 0)]));
}

/** Severity by alertname (as in rule files): a fifth critical, two fifths warning, two fifths info. */
export const stormSeverity = (nameIndex: number) => SEVERITIES[nameIndex % SEVERITIES.length]!;

/**
 * Rules differ in how much they say: by alertname, a quarter have only a summary, a quarter add a
 * description, a quarter a runbook link as well, and a quarter a longer description with a
 * dashboard link. (This decides which of the naive bridge's cards exceed Lark's 20 KB.)
 */
export function stormAnnotations(nameIndex: number, alertname: string, instance: string, service: string): Record<string, string> {
  const summary = `${alertname}: CPU usage above 90% on ${instance}`;
  const description =
    `CPU usage on ${instance} (service ${service}, cluster prod-eu-1) has been above 90% for more than 5 minutes. ` +
    'Check the busiest processes, recent deployments and autoscaling events before restarting anything.';
  const runbook = `https://runbooks.example.internal/alerts/${alertname.toLowerCase()}`;
  switch (nameIndex % 4) {
    case 0:
      return { summary };
    case 1:
      return { summary, description };
    case 2:
      return { summary, description, runbook_url: runbook };
    default:
      return {
        summary,
        description: `${description} If the load is expected (batch jobs, backfills), silence this alert for the duration of the job and tell the owning team in their channel.`,
        runbook_url: runbook,
        dashboard: `https://grafana.example.internal/d/node-exporter/node-exporter-full?var-instance=${encodeURIComponent(instance)}&orgId=1`,
      };
  }
}

/**
 * Alert `i` has alertname `i % alertnames` and instance `i / alertnames`, so every batch of
 * `alertnames` consecutive alerts carries one instance of every alertname: each group fills up
 * across the whole posting time, not one after the other. Labels and annotations are what a
 * node-exporter rule typically has (8 labels, summary, description, runbook, a generator URL with
 * its PromQL expression); all alerts start at `now` (an alert that started more than the group wait
 * ago would be flushed at once).
 */
export function buildStorm(shape: StormShape, now: number): StormAlert[] {
  if (!Number.isInteger(shape.alerts) || shape.alerts < 1) throw new RangeError('alerts must be a positive integer');
  if (!Number.isInteger(shape.alertnames) || shape.alertnames < 1 || shape.alertnames > shape.alerts) {
    throw new RangeError('alertnames must be a positive integer no larger than alerts');
  }
  const startsAt = new Date(now).toISOString();
  return Array.from({ length: shape.alerts }, (_, i) => {
    const nameIndex = i % shape.alertnames;
    const instanceIndex = Math.floor(i / shape.alertnames);
    const alertname = stormAlertname(nameIndex);
    const instance = `node-${String(instanceIndex).padStart(3, '0')}.prod.example.internal:9100`;
    const service = `svc-${nameIndex % 50}`;
    const expr = `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",service="${service}"}[5m]))) > 90`;
    return {
      labels: {
        alertname,
        severity: stormSeverity(nameIndex),
        instance,
        job: 'node-exporter',
        service,
        cluster: 'prod-eu-1',
        namespace: 'monitoring',
        team: 'platform',
      },
      annotations: stormAnnotations(nameIndex, alertname, instance, service),
      startsAt,
      generatorURL: `http://prometheus.example.internal:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
    };
  });
}

/** Consecutive slices of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('batch size must be a positive integer');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An Alertmanager webhook (v4) carrying these firing alerts, as ingest's `/api/v1/alerts/alertmanager` takes it. */
export function ingestWebhook(alerts: readonly StormAlert[]): AlertmanagerWebhook {
  return {
    version: '4',
    status: 'firing',
    receiver: 'alertlark',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts: alerts.map((alert) => ({
      status: 'firing',
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: alert.generatorURL,
    })),
  };
}

/** What Prometheus would push to an Alertmanager's `/api/v2/alerts` for these firing alerts (no endsAt). */
export function postableAlerts(alerts: readonly StormAlert[]): PrometheusAlerts {
  return alerts.map((alert) => ({ labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt, generatorURL: alert.generatorURL }));
}

export interface AlertmanagerTimers {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

/**
 * Alertmanager's configuration (JSON is YAML): every alert to one webhook receiver, grouped by
 * alertname, all alerts in each notification (`max_alerts: 0`), resolved ones too.
 */
export function alertmanagerConfig(webhookUrl: string, timers: AlertmanagerTimers): string {
  return JSON.stringify(
    {
      global: { resolve_timeout: '5m' },
      route: {
        receiver: 'lark-bridge',
        group_by: ['alertname'],
        group_wait: timers.groupWait,
        group_interval: timers.groupInterval,
        repeat_interval: timers.repeatInterval,
      },
      receivers: [{ name: 'lark-bridge', webhook_configs: [{ url: webhookUrl, send_resolved: true, max_alerts: 0 }] }],
    },
    null,
    2,
  );
}

/** Milliseconds of an Alertmanager-style duration (`30s`, `5m`, `1h30m`, `500ms`). */
export function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(text)) throw new RangeError(`not a duration: ${JSON.stringify(text)}`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) total += Number(amount) * units[unit!]!;
  return total;
}
