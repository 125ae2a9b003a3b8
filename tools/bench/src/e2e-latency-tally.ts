/**
 * The end-to-end latency benchmark's pure parts: the load (which alert goes to which bot in which
 * tick), Alertmanager's routing for it, reading the firing count off a card or a webhook, when each
 * alert was shown, and percentiles. No I/O, so `e2e-latency-tally.spec.ts` checks it. See
 * tools/bench/README.md, "e2e-latency".
 */

/** The shape of one load: `rate` alerts/s for `durationSeconds`, one POST every `tickMs`, spread over `bots`. */
export interface LatencyLoadShape {
  rate: number;
  durationSeconds: number;
  tickMs: number;
  bots: number;
}

export interface LatencyAlert {
  /** Index of the bot (0-based) whose policy takes it. */
  bot: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
}

/** The label that routes an alert to its bot's policy (Alertlark) or route (Alertmanager). */
export const ROUTING_LABEL = 'bench_bot';

export const botName = (bot: number) => `b${String(bot).padStart(2, '0')}`;

/** One alertname per bot: each bot's alerts form one group (group by alertname). */
export const latencyAlertname = (bot: number) => `E2eLatency${botName(bot).toUpperCase()}`;

/** The routing label's value of a bot in one run (`tag` keeps runs and rates apart). */
export const botRoutingValue = (tag: string, bot: number) => `${tag}-${botName(bot)}`;

export function tickCount(shape: LatencyLoadShape): number {
  return Math.round((shape.durationSeconds * 1_000) / shape.tickMs);
}

/**
 * Alerts in tick `tick`: the running total is rounded down, so any rate is met over the run
 * (200/s at 100 ms: 20 every tick; 1000/s: 100).
 */
export function alertsInTick(shape: LatencyLoadShape, tick: number): number {
  const perTick = (shape.rate * shape.tickMs) / 1_000;
  return Math.floor((tick + 1) * perTick + 1e-9) - Math.floor(tick * perTick + 1e-9);
}

/** Alerts the whole load gives each bot (alert `i` of the run goes to bot `i mod bots`). */
export function alertsPerBot(shape: LatencyLoadShape): number[] {
  let total = 0;
  for (let tick = 0; tick < tickCount(shape); tick++) total += alertsInTick(shape, tick);
  return Array.from({ length: shape.bots }, (_, bot) => Math.floor(total / shape.bots) + (bot < total % shape.bots ? 1 : 0));
}

/**
 * The alerts of one tick, numbered on from `firstIndex` (alerts sent before it). Every alert is new
 * (its `instance` is its index in the run) and firing; alert `i` goes to bot `i mod bots`, so each
 * tick spreads evenly over the bots. They start at `now`: a group's first alert is not older than
 * its (zero) group wait.
 */
export function tickAlerts(shape: LatencyLoadShape, tag: string, tick: number, firstIndex: number, now: number): LatencyAlert[] {
  const startsAt = new Date(now).toISOString();
  return Array.from({ length: alertsInTick(shape, tick) }, (_, offset) => {
    const index = firstIndex + offset;
    const bot = index % shape.bots;
    const instance = `host-${String(index).padStart(6, '0')}.bench.example.internal:9100`;
    return {
      bot,
      labels: {
        alertname: latencyAlertname(bot),
        [ROUTING_LABEL]: botRoutingValue(tag, bot),
        instance,
        job: 'e2e-latency',
        severity: 'warning',
      },
      annotations: { summary: `Latency probe ${index} on ${instance}` },
      startsAt,
    };
  });
}

/** The body of `POST /api/v2/alerts` (Prometheus' push, no `endsAt`) carrying these alerts. */
export function postableBody(alerts: readonly LatencyAlert[]): Array<Omit<LatencyAlert, 'bot'>> {
  return alerts.map(({ labels, annotations, startsAt }) => ({ labels, annotations, startsAt }));
}

export interface LatencyTimers {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

/**
 * Alertmanager's configuration (JSON is YAML): one route per bot matching its routing label, each
 * to a webhook receiver of its own (`<webhookBase>/<bot>`), grouped by alertname, every alert in
 * each notification. Alerts matching no bot go to a receiver that does nothing.
 */
export function latencyAlertmanagerConfig(webhookBase: string, tag: string, bots: number, timers: LatencyTimers): string {
  const grouping = { group_by: ['alertname'], group_wait: timers.groupWait, group_interval: timers.groupInterval, repeat_interval: timers.repeatInterval };
  return JSON.stringify(
    {
      global: { resolve_timeout: '5m' },
      route: {
        receiver: 'unrouted',
        ...grouping,
        routes: Array.from({ length: bots }, (_, bot) => ({ receiver: botName(bot), matchers: [`${ROUTING_LABEL}="${botRoutingValue(tag, bot)}"`], ...grouping })),
      },
      receivers: [
        { name: 'unrouted' },
        ...Array.from({ length: bots }, (_, bot) => ({ name: botName(bot), webhook_configs: [{ url: `${webhookBase}/${botName(bot)}`, send_resolved: true, max_alerts: 0 }] })),
      ],
    },
    null,
    2,
  );
}

/** Something a bot was shown: a card the emulator accepted, a webhook, a notification. */
export interface ShownEvent {
  /** When it arrived (ms since the epoch). */
  at: number;
  /** Firing alerts it says the group holds. */
  firing: number;
}

const FIRING_TAG = /(?:\[|&#91;)FIRING:(\d+)(?:\]|&#93;)/g;

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) collectStrings(item, out);
}

/**
 * The firing count a card (the request body the emulator logged) says: `[FIRING:n]` in an alert
 * card's title, or in the lines of a digest card (there lark_md-escaped as `&#91;FIRING:n&#93;`, one
 * line per merged notification). Each bot here has one group, so the largest count on the card is
 * the group's. Undefined when the card says none (a resolved card, a daily summary, not a card).
 */
export function cardFiringCount(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object' || !('card' in body)) return undefined;
  const strings: string[] = [];
  collectStrings((body as { card: unknown }).card, strings);
  let firing: number | undefined;
  for (const text of strings) {
    for (const match of text.matchAll(FIRING_TAG)) firing = Math.max(firing ?? 0, Number(match[1]));
  }
  return firing;
}

/** One request as the Lark emulator logged it (`GET /_emulator/messages`): the fields read here. */
export interface LoggedCard {
  id?: number;
  accepted: boolean;
  receivedAt?: string;
  body?: unknown;
}

/** The cards a bot was shown: accepted requests that carry a firing count, stamped with the emulator's receive time. */
export function cardEvents(messages: readonly LoggedCard[]): ShownEvent[] {
  const events: ShownEvent[] = [];
  for (const message of messages) {
    if (!message.accepted || message.receivedAt === undefined) continue;
    const firing = cardFiringCount(message.body);
    const at = Date.parse(message.receivedAt);
    if (firing !== undefined && Number.isFinite(at)) events.push({ at, firing });
  }
  return events;
}

/** Firing alerts in an Alertmanager webhook (`max_alerts: 0`: the whole group). */
export function webhookFiringCount(payload: unknown): number | undefined {
  if (payload === null || typeof payload !== 'object' || !Array.isArray((payload as { alerts?: unknown }).alerts)) return undefined;
  return ((payload as { alerts: Array<{ status?: unknown }> }).alerts).filter((alert) => alert?.status === 'firing').length;
}

/**
 * When each of a bot's `alerts` alerts was shown: the k-th (1-based) at the first event, in time
 * order, that says n ≥ k firing; undefined when no such event came by `deadline`.
 */
export function shownTimes(alerts: number, events: readonly ShownEvent[], deadline = Number.POSITIVE_INFINITY): Array<number | undefined> {
  const ordered = events.filter((event) => event.at <= deadline).sort((a, b) => a.at - b.at);
  const shown: Array<number | undefined> = new Array<number | undefined>(alerts).fill(undefined);
  let k = 0;
  for (const event of ordered) {
    while (k < alerts && event.firing >= k + 1) shown[k++] = event.at;
    if (k >= alerts) break;
  }
  return shown;
}

/**
 * Latencies (ms) of a bot's alerts, in send order: shown time minus the time its POST was sent;
 * undefined for an alert not shown.
 */
export function botLatencies(sentAt: readonly number[], events: readonly ShownEvent[], deadline?: number): Array<number | undefined> {
  const shown = shownTimes(sentAt.length, events, deadline);
  return sentAt.map((sent, k) => (shown[k] === undefined ? undefined : shown[k]! - sent));
}

/**
 * Per alert shown by both: the time from the first event of `from` that counted it to the first
 * event of `to` that did (e.g. the router's notification → the card at the emulator), in ms.
 */
export function hopDurations(alerts: number, from: readonly ShownEvent[], to: readonly ShownEvent[], deadline?: number): number[] {
  const first = shownTimes(alerts, from, deadline);
  const second = shownTimes(alerts, to, deadline);
  const hops: number[] = [];
  for (let k = 0; k < alerts; k++) if (first[k] !== undefined && second[k] !== undefined) hops.push(second[k]! - first[k]!);
  return hops;
}

/** Nearest rank: the smallest value with at least p % of the values at or below it. `sorted` ascending, not empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of nothing');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export interface LatencySummary extends Percentiles {
  sent: number;
  shown: number;
  notShown: number;
  /** The same percentiles over the alerts shown only (null when none was). */
  shownOnly: Percentiles | null;
}

const seconds = (ms: number) => Math.round(ms) / 1_000;

function percentilesOf(sorted: readonly number[]): Percentiles {
  const at = (p: number) => {
    const value = percentile(sorted, p);
    return Number.isFinite(value) ? seconds(value) : null;
  };
  return { p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

/**
 * Percentiles in seconds over every alert sent; an alert not shown counts as slower than any shown,
 * so a percentile that falls on one is null (not reached within the wait). `shownOnly` leaves them out.
 */
export function summarizeLatencies(latenciesMs: ReadonlyArray<number | undefined>): LatencySummary {
  const shownValues = latenciesMs.filter((value): value is number => value !== undefined).sort((a, b) => a - b);
  const all = [...shownValues, ...new Array<number>(latenciesMs.length - shownValues.length).fill(Number.POSITIVE_INFINITY)];
  const empty: Percentiles = { p50: null, p90: null, p99: null, max: null };
  return {
    sent: latenciesMs.length,
    shown: shownValues.length,
    notShown: latenciesMs.length - shownValues.length,
    ...(all.length > 0 ? percentilesOf(all) : empty),
    shownOnly: shownValues.length > 0 ? percentilesOf(shownValues) : null,
  };
}

/** Plain percentiles (seconds) of durations in ms, e.g. POST round trips. */
export function durationPercentiles(valuesMs: readonly number[]): Percentiles {
  if (valuesMs.length === 0) return { p50: null, p90: null, p99: null, max: null };
  return percentilesOf([...valuesMs].sort((a, b) => a - b));
}

export interface LatencyTargets {
  /** Every alert shown within the wait. */
  allShown: { met: boolean };
  /** p99 ≤ `maxSeconds` and ≤ Alertmanager's p99 + `overAlertmanagerSeconds`. */
  p99: { maxSeconds: number; overAlertmanagerSeconds: number; limitSeconds: number; met: boolean };
}

/** The targets beside the figures (reported, not enforced). */
export function latencyTargets(alertlark: LatencySummary, alertmanager: LatencySummary | undefined, maxSeconds = 1.7, overAlertmanagerSeconds = 0.5): LatencyTargets {
  // Without an Alertmanager p99 (side not run, or it did not show 99 %), only the fixed bound applies.
  const amP99 = alertmanager?.p99 ?? null;
  const limit = amP99 === null ? maxSeconds : Math.min(maxSeconds, Math.round((amP99 + overAlertmanagerSeconds) * 1_000) / 1_000);
  return {
    allShown: { met: alertlark.sent > 0 && alertlark.notShown === 0 },
    p99: { maxSeconds, overAlertmanagerSeconds, limitSeconds: limit, met: alertlark.p99 !== null && alertlark.p99 <= limit },
  };
}
