import { requestJson } from '@alertlark/testing';
import type { Fleet } from './fleet';
import { postAlerts, type EmulatorMessage, type FullAlert } from './lark-bots';

export interface PostedStorm {
  /** When the first POST was sent (ms). */
  firstPostAt: number;
  /** When the last POST was sent (ms): the storm bar counts from here. */
  lastPostAt: number;
  /** When ingest had answered every POST (ms). */
  answeredAt: number;
  posts: number;
}

/** POSTs `alerts` in order, `batch` to a request, one request at a time (as one Alertmanager would). */
export async function postInBatches(fleet: Fleet, ingestToken: string, alerts: readonly FullAlert[], batch: number): Promise<PostedStorm> {
  const firstPostAt = Date.now();
  let lastPostAt = firstPostAt;
  let posts = 0;
  for (let start = 0; start < alerts.length; start += batch) {
    lastPostAt = Date.now();
    await postAlerts(fleet, ingestToken, alerts.slice(start, start + batch));
    posts += 1;
  }
  return { firstPostAt, lastPostAt, answeredAt: Date.now(), posts };
}

const SEVERITIES = ['critical', 'warning', 'warning', 'info', 'info'] as const;

export interface StormShape {
  /** Alertnames start with it; it must be one word (shownGroupCounts reads a group's first word). */
  prefix: string;
  alertnames: number;
  instancesPerAlertname: number;
  /** Labels every alert of the storm carries besides its own (e.g. the one a policy matches). */
  labels?: Record<string, string>;
}

export const stormAlertname = (prefix: string, nameIndex: number) => `${prefix}${String(nameIndex).padStart(4, '0')}`;

/**
 * The delivery storm of tools/bench (storm-load.ts), rebuilt here so e2e does not import a tool:
 * alert i has alertname i mod alertnames and instance i / alertnames, so every `alertnames`
 * consecutive alerts carry one instance of each alertname and every group fills up over the whole
 * posting time. Severity by alertname (a fifth critical, two fifths warning, two fifths info);
 * node-exporter-like labels; annotations that differ by alertname the way rules do (a quarter only a
 * summary, then a description, a runbook, a longer description and a dashboard link); all start now.
 */
export function stormAlerts(shape: StormShape): FullAlert[] {
  const startsAt = new Date().toISOString();
  const total = shape.alertnames * shape.instancesPerAlertname;
  return Array.from({ length: total }, (_, i) => {
    const nameIndex = i % shape.alertnames;
    const alertname = stormAlertname(shape.prefix, nameIndex);
    const instance = `node-${String(Math.floor(i / shape.alertnames)).padStart(3, '0')}.prod.example.internal:9100`;
    const service = `svc-${nameIndex % 50}`;
    const expr = `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",service="${service}"}[5m]))) > 90`;
    const summary = `${alertname}: CPU usage above 90% on ${instance}`;
    const description =
      `CPU usage on ${instance} (service ${service}, cluster prod-eu-1) has been above 90% for more than 5 minutes. ` +
      'Check the busiest processes, recent deployments and autoscaling events before restarting anything.';
    const runbook = `https://runbooks.example.internal/alerts/${alertname.toLowerCase()}`;
    const annotations: Record<string, string> =
      nameIndex % 4 === 0
        ? { summary }
        : nameIndex % 4 === 1
          ? { summary, description }
          : nameIndex % 4 === 2
            ? { summary, description, runbook_url: runbook }
            : {
                summary,
                description: `${description} If the load is expected (batch jobs, backfills), silence this alert for the duration of the job and tell the owning team in their channel.`,
                runbook_url: runbook,
                dashboard: `https://grafana.example.internal/d/node-exporter/node-exporter-full?var-instance=${encodeURIComponent(instance)}&orgId=1`,
              };
    return {
      labels: {
        alertname,
        severity: SEVERITIES[nameIndex % SEVERITIES.length]!,
        instance,
        job: 'node-exporter',
        service,
        cluster: 'prod-eu-1',
        region: 'eu-west-1',
        team: `team-${nameIndex % 10}`,
        ...shape.labels,
      },
      annotations,
      startsAt,
      generatorURL: `http://prometheus.prod.example.internal:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
    };
  });
}

/** Every request the emulator logged for a webhook token, refused ones included (Lark counts those too). */
export async function emulatorMessages(fleet: Fleet, token: string): Promise<EmulatorMessage[]> {
  const answer = await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${encodeURIComponent(token)}`);
  return answer.body.messages;
}

export interface CardProbe {
  alertname: string;
  /** When its alert was POSTed (ms). */
  postedAt: number;
  /** When the emulator accepted the first card naming it (ms); undefined if none came. */
  cardAt: number | undefined;
  latencyMs: number | undefined;
}

export interface CardProber {
  /** Stops posting, waits up to `graceMs` for every probe's card, and returns the probes. */
  stop(graceMs?: number): Promise<CardProbe[]>;
}

/**
 * Posts one new alert (a group of its own: alertname `<prefix><n, 4 digits>`) every `everyMs` for a chatbot
 * whose policy takes them (group wait 1s), and measures how long each took to reach the chat: how a
 * team sees its own cards while something else is going on.
 */
export function startCardProbes(fleet: Fleet, ingestToken: string, token: string, prefix: string, everyMs: number, labels: Record<string, string> = {}): CardProber {
  const posted: { alertname: string; postedAt: number }[] = [];
  let stopped = false;
  let failure: unknown;
  const loop = (async () => {
    for (let n = 0; !stopped; n++) {
      const alertname = `${prefix}${String(n).padStart(4, '0')}`;
      const postedAt = Date.now();
      try {
        await postAlerts(fleet, ingestToken, [{ labels: { alertname, instance: 'db-1', severity: 'critical', ...labels }, annotations: { summary: `probe ${n}` } }]);
        posted.push({ alertname, postedAt });
      } catch (error) {
        // The fleet is gone (a test failed and stopped it) or ingest refused: stop probing.
        failure ??= error;
        break;
      }
      while (!stopped && Date.now() < postedAt + everyMs) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const found = async () => {
    const accepted = (await emulatorMessages(fleet, token)).filter((message) => message.accepted);
    return posted.map(({ alertname, postedAt }) => {
      const card = accepted.find((message) => JSON.stringify(message.body?.card ?? {}).includes(alertname));
      const cardAt = card ? Date.parse(card.receivedAt) : undefined;
      return { alertname, postedAt, cardAt, latencyMs: cardAt === undefined ? undefined : cardAt - postedAt };
    });
  };
  return {
    stop: async (graceMs = 15_000) => {
      stopped = true;
      await loop;
      if (failure) throw failure;
      const deadline = Date.now() + graceMs;
      let probes = await found();
      while (probes.some((probe) => probe.cardAt === undefined) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        probes = await found();
      }
      return probes;
    },
  };
}

export interface LagSampler {
  /** Stops sampling; per service, the largest event-loop delay seen in any sample (ms), and when. */
  stop(): Promise<Record<string, { maxMs: number; at: number | null }>>;
}

/**
 * Reads each service's `nodejs_eventloop_lag_max_seconds` (prom-client resets it at every scrape)
 * from its internal port (`services`: name → internal URL) every `everyMs`: a diagnostic for a latency bar, telling a blocked event loop from waiting on I/O.
 */
export function sampleEventLoopLag(services: Record<string, string>, everyMs = 500): LagSampler {
  const worst: Record<string, { maxMs: number; at: number | null }> = Object.fromEntries(Object.keys(services).map((name) => [name, { maxMs: 0, at: null }]));
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await Promise.all(
        Object.entries(services).map(async ([name, url]) => {
          const text = await fetch(`${url}/metrics`).then((answer) => answer.text()).catch(() => '');
          const lag = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? ([\d.e+-]+)/m.exec(text);
          const ms = lag ? Number(lag[1]) * 1_000 : 0;
          if (ms > worst[name]!.maxMs) worst[name] = { maxMs: Math.round(ms), at: Date.now() };
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return worst;
    },
  };
}
