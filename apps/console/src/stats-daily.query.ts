import { addDays, daysBetween, isCalendarDate } from '@alertlark/daily-stats';
import { z } from 'zod';
import type { ValidationIssue } from './validation';

/** The longest range `GET /stats/daily` answers, in days (a quarter). */
export const DAILY_STATS_MAX_RANGE_DAYS = 92;
/** Days answered when neither `from` nor `to` is given: the last two weeks, today included. */
export const DAILY_STATS_DEFAULT_DAYS = 14;

const KNOWN = ['objectId', 'from', 'to'];

/** The parameters as the API document shows them (parsing is by hand below, for its messages). */
export const dailyStatsQueryDocSchema = z.object({
  objectId: z.string().min(1).describe('the chatbot (required)'),
  from: z.iso.date().optional().describe('first local day, YYYY-MM-DD'),
  to: z.iso.date().optional().describe('last local day, YYYY-MM-DD (default today)'),
});

export interface DailyStatsQuery {
  objectId: string;
  from?: string;
  to?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/**
 * `GET /stats/daily?objectId=&from=YYYY-MM-DD&to=YYYY-MM-DD`: `objectId` is required, the dates are
 * local calendar days of the chatbot's time zone. An unknown or repeated parameter is refused.
 */
export function parseDailyStatsQuery(query: unknown): Parsed<DailyStatsQuery> {
  const raw = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const issues: ValidationIssue[] = Object.keys(raw)
    .filter((key) => !KNOWN.includes(key))
    .map((key) => ({ path: key, message: `unknown parameter; use ${KNOWN.join(', ')}` }));
  const text = (key: string): string | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      issues.push({ path: key, message: 'must be given once' });
      return undefined;
    }
    return value.trim();
  };
  const objectId = text('objectId');
  if (objectId === undefined || objectId === '') {
    if (!issues.some((issue) => issue.path === 'objectId')) issues.push({ path: 'objectId', message: 'required: the notification object (chatbot) id' });
  } else if (objectId.length > 256) {
    issues.push({ path: 'objectId', message: 'must be at most 256 characters' });
  }
  const dates: Partial<Record<'from' | 'to', string>> = {};
  for (const key of ['from', 'to'] as const) {
    const value = text(key);
    if (value === undefined) continue;
    if (!isCalendarDate(value)) issues.push({ path: key, message: `${JSON.stringify(value)} is not a date (YYYY-MM-DD)` });
    else dates[key] = value;
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { objectId: objectId!, ...dates } };
}

/**
 * The days to answer: `to` defaults to today (in the chatbot's zone), `from` to 13 days before
 * `to`; at most DAILY_STATS_MAX_RANGE_DAYS days, `from` not after `to`.
 */
export function resolveDailyRange(query: Pick<DailyStatsQuery, 'from' | 'to'>, today: string): Parsed<{ from: string; to: string }> {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(DAILY_STATS_DEFAULT_DAYS - 1));
  const days = daysBetween(from, to) + 1;
  if (days < 1) {
    return { ok: false, issues: [{ path: 'from', message: `"${from}" is after to ("${to}")` }] };
  }
  if (days > DAILY_STATS_MAX_RANGE_DAYS) {
    return { ok: false, issues: [{ path: query.from !== undefined ? 'from' : 'to', message: `"${from}".."${to}" is ${days} days; at most ${DAILY_STATS_MAX_RANGE_DAYS}` }] };
  }
  return { ok: true, value: { from, to } };
}
