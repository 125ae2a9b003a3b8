/**
 * The end-to-end latency benchmark's generator: one `POST /api/v2/alerts` every tick (100 ms) on a
 * fixed schedule, each carrying that tick's new firing alerts spread over the bots. A tick does not
 * wait for the previous POST's answer (the schedule is kept), and each alert's send time is the
 * moment its POST was handed to fetch. The same generator feeds Alertlark's ingest and Alertmanager.
 */
import { postableBody, tickAlerts, tickCount, type LatencyLoadShape } from './e2e-latency-tally';
import { sleep, throwIfStopping } from './processes';

export interface PushedLoad {
  /** Per bot, the send time (ms since the epoch) of each of its alerts, in send order. */
  sentAt: number[][];
  /** Round trip of every POST (ms). */
  postMs: number[];
  /** POSTs answered other than 200 (or not at all), and the alerts they carried. */
  failedPosts: number;
  failedAlerts: number;
  /** First failure, for the log. */
  firstError: string | null;
  /** Latest send behind its schedule (ms): how well the 100 ms ticks were kept. */
  maxTickLagMs: number;
  firstSentAt: number;
  /** The last POST's send time: "the load ended". */
  lastSentAt: number;
}

export interface PushOptions {
  url: string;
  token?: string;
  shape: LatencyLoadShape;
  /** Keeps routing label values apart between runs and rates. */
  tag: string;
}

export async function pushLoad(options: PushOptions): Promise<PushedLoad> {
  const { shape } = options;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const result: PushedLoad = {
    sentAt: Array.from({ length: shape.bots }, () => []),
    postMs: [],
    failedPosts: 0,
    failedAlerts: 0,
    firstError: null,
    maxTickLagMs: 0,
    firstSentAt: 0,
    lastSentAt: 0,
  };
  const inFlight: Array<Promise<void>> = [];
  const start = Date.now() + 50;
  let sentAlerts = 0;
  for (let tick = 0; tick < tickCount(shape); tick++) {
    throwIfStopping();
    const due = start + tick * shape.tickMs;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const now = Date.now();
    const alerts = tickAlerts(shape, options.tag, tick, sentAlerts, now);
    sentAlerts += alerts.length;
    const body = JSON.stringify(postableBody(alerts));
    const sentAt = Date.now();
    result.maxTickLagMs = Math.max(result.maxTickLagMs, sentAt - due);
    if (tick === 0) result.firstSentAt = sentAt;
    result.lastSentAt = sentAt;
    for (const alert of alerts) result.sentAt[alert.bot]!.push(sentAt);
    inFlight.push(
      fetch(options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) })
        .then(async (response) => {
          const text = await response.text();
          result.postMs.push(Date.now() - sentAt);
          if (response.status !== 200) throw new Error(`answered ${response.status}: ${text.slice(0, 300)}`);
        })
        .catch((error: unknown) => {
          result.failedPosts++;
          result.failedAlerts += alerts.length;
          result.firstError ??= error instanceof Error ? error.message : String(error);
        }),
    );
  }
  await Promise.all(inFlight);
  return result;
}
