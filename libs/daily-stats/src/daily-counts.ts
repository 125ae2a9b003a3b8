import type { DailyCounts } from '@alertlark/contracts';
import { localDayRange } from './local-day';
import type { AlertNotice, CardAttempt } from './projection-rows';

/** What counting needs of an alert notice (the reader fetches no more). */
export type CountedNotice = Pick<AlertNotice, '_id' | 'fingerprint' | 'alertname' | 'severity' | 'status' | 'at'>;
/** What counting needs of a card attempt. */
export type CountedCard = Pick<CardAttempt, '_id' | 'notificationId' | 'requestId' | 'outcome' | 'at'>;

export interface CountOptions {
  /** Local calendar dates, YYYY-MM-DD. */
  dates: readonly string[];
  timezone: string;
  /** Counts as they stood at this instant: later rows are left out. */
  asOf: Date;
}

export const TOP_ALERTNAMES = 10;

/**
 * One chatbot's numbers for one local day (definitions: apps/stats/README.md). `notices` must hold
 * every notice to the chatbot from the day's start up to `asOf` (the reader may leave out, after the
 * day, those about alerts the day does not count); `cards` every counted attempt in the day.
 * Rows are identified by `_id`: a row given twice counts once.
 */
export function dailyCounts(notices: readonly CountedNotice[], cards: readonly CountedCard[], options: { date: string; timezone: string; asOf: Date }): DailyCounts {
  return dailyCountsForDays(notices, cards, { dates: [options.date], timezone: options.timezone, asOf: options.asOf })[0]!;
}

/** `dailyCounts` for several days in one pass over the rows; one entry per date, in the order given. */
export function dailyCountsForDays(notices: readonly CountedNotice[], cards: readonly CountedCard[], options: CountOptions): DailyCounts[] {
  const asOf = options.asOf.getTime();
  const days = options.dates.map((date) => {
    const range = localDayRange(date, options.timezone);
    return { date, start: range.start.getTime(), end: range.end.getTime() };
  });
  const dayOf = dayFinder(days);

  const uniqueNotices = unique(notices).filter((notice) => notice.at.getTime() <= asOf);
  // An alert is resolved when the latest notice about it up to `asOf` carried it as resolved (on
  // the same instant, resolved wins, whatever order the rows came in).
  const latest = new Map<string, CountedNotice>();
  for (const notice of uniqueNotices) {
    const current = latest.get(notice.fingerprint);
    if (!current || laterThan(notice, current)) latest.set(notice.fingerprint, notice);
  }
  // Per day, each alert's first firing notice in it (it supplies the alertname and severity).
  const firing = days.map(() => new Map<string, CountedNotice>());
  for (const notice of uniqueNotices) {
    if (notice.status !== 'firing') continue;
    const index = dayOf(notice.at.getTime());
    if (index === undefined) continue;
    const current = firing[index]!.get(notice.fingerprint);
    if (!current || earlierThan(notice, current)) firing[index]!.set(notice.fingerprint, notice);
  }

  const sent = days.map(() => new Set<string>());
  const failed = days.map(() => new Set<string>());
  for (const card of unique(cards)) {
    const at = card.at.getTime();
    if (at > asOf) continue;
    const index = dayOf(at);
    if (index === undefined) continue;
    if (card.outcome === 'delivered') sent[index]!.add(card.requestId);
    else failed[index]!.add(card.notificationId);
  }

  return days.map((day, index) => {
    const alerts = [...firing[index]!.values()];
    const resolved = alerts.filter((alert) => latest.get(alert.fingerprint)?.status === 'resolved').length;
    return {
      date: day.date,
      timezone: options.timezone,
      total: alerts.length,
      resolved,
      unresolved: alerts.length - resolved,
      bySeverity: tally(alerts.map((alert) => alert.severity)).map(([severity, count]) => ({ severity, count })),
      topAlertnames: tally(alerts.map((alert) => alert.alertname))
        .slice(0, TOP_ALERTNAMES)
        .map(([alertname, count]) => ({ alertname, count })),
      cardsSent: sent[index]!.size,
      cardsFailed: failed[index]!.size,
    };
  });
}

/** Days in any order: the index of the day whose `[start, end)` holds the instant. */
function dayFinder(days: readonly { start: number; end: number }[]): (at: number) => number | undefined {
  const order = days.map((_, index) => index).sort((a, b) => days[a]!.start - days[b]!.start);
  return (at) => {
    let low = 0;
    let high = order.length - 1;
    let found: number | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (days[order[middle]!]!.start <= at) {
        found = order[middle];
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found !== undefined && at < days[found]!.end ? found : undefined;
  };
}

function unique<T extends { _id: string }>(rows: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const row of rows) if (!seen.has(row._id)) seen.set(row._id, row);
  return [...seen.values()];
}

const rank = (notice: CountedNotice) => (notice.status === 'resolved' ? 1 : 0);

function laterThan(a: CountedNotice, b: CountedNotice): boolean {
  const at = a.at.getTime() - b.at.getTime();
  if (at !== 0) return at > 0;
  return rank(a) !== rank(b) ? rank(a) > rank(b) : a._id > b._id;
}

function earlierThan(a: CountedNotice, b: CountedNotice): boolean {
  const at = a.at.getTime() - b.at.getTime();
  return at !== 0 ? at < 0 : a._id < b._id;
}

/** Values with how often each occurs: most first, ties by name. */
function tally(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
