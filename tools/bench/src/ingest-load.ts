/**
 * The ingest benchmark's load: the bodies Prometheus would POST to an Alertmanager's
 * `/api/v2/alerts` (JSON arrays of postable alerts), serialized before a round starts, and a
 * generator that keeps a fixed number of requests in flight over keep-alive connections.
 */
import { Pool } from 'undici';

export interface IngestLoadShape {
  alertsPerRequest: number;
  requestsPerRound: number;
  inFlight: number;
  alertnames: number;
}

/**
 * `requestsPerRound` bodies of distinct alerts (a round re-sends the same ones, as Prometheus
 * re-sends firing alerts). Like a rule's alerts: 7 labels, a summary and a description, a
 * generator URL, `startsAt`, and an `endsAt` ahead (firing).
 */
export function buildBodies(shape: IngestLoadShape, startsAt: Date, endsAt: Date): string[] {
  return Array.from({ length: shape.requestsPerRound }, (_, request) => {
    const alerts = Array.from({ length: shape.alertsPerRequest }, (_, index) => {
      const n = request * shape.alertsPerRequest + index;
      const alertname = `IngestBench${n % shape.alertnames}`;
      const instance = `host-${Math.floor(n / shape.alertnames)}.example.net:9100`;
      return {
        labels: {
          alertname,
          instance,
          job: 'node',
          severity: ['critical', 'warning', 'info'][n % 3]!,
          cluster: `eu-${n % 4}`,
          namespace: 'monitoring',
          service: `svc-${n % 25}`,
        },
        annotations: {
          summary: `${alertname} on ${instance}`,
          description: `${instance} has been above its threshold for more than 5 minutes (value: ${(n % 97) + 3}%).`,
        },
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        generatorURL: `http://prometheus.example.net:9090/graph?g0.expr=node_load1%7Binstance%3D%22${encodeURIComponent(instance)}%22%7D+%3E+4`,
      };
    });
    return JSON.stringify(alerts);
  });
}

export interface RoundResult {
  seconds: number;
  requests: number;
  /** Requests answered 2xx, and their alerts. */
  ok: number;
  okAlerts: number;
  alertsPerSecond: number;
  /** Non-2xx answers (and `error` for no answer), by status. */
  failed: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
}

export interface LoadTarget {
  origin: string;
  path: string;
  token?: string;
}

/** A target's connections, opened once and kept across rounds (keep-alive). */
export function openPool(target: LoadTarget, inFlight: number): Pool {
  return new Pool(target.origin, { connections: inFlight, pipelining: 1 });
}

/** Sends every body with `inFlight` requests outstanding; t0 is the first send, the end the last answer. */
export async function runRound(pool: Pool, target: LoadTarget, bodies: readonly string[], shape: IngestLoadShape): Promise<RoundResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const latencies: number[] = [];
  const failed: Record<string, number> = {};
  let ok = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const sent = performance.now();
      try {
        const answer = await pool.request({ path: target.path, method: 'POST', headers, body });
        await answer.body.text();
        if (answer.statusCode >= 200 && answer.statusCode < 300) ok += 1;
        else failed[String(answer.statusCode)] = (failed[String(answer.statusCode)] ?? 0) + 1;
      } catch {
        failed.error = (failed.error ?? 0) + 1;
      }
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: Math.min(shape.inFlight, bodies.length) }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0, 1);
  return {
    seconds: round(seconds, 3),
    requests: bodies.length,
    ok,
    okAlerts: ok * shape.alertsPerRequest,
    alertsPerSecond: Math.round((ok * shape.alertsPerRequest) / seconds),
    failed,
    latencyMs: { p50: at(0.5), p99: at(0.99), max: round(latencies[latencies.length - 1] ?? 0, 1) },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
