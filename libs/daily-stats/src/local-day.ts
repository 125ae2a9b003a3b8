/**
 * Local calendar days in IANA time zones, as instants: what "a day" means for daily statistics.
 * Pure; the zone rules are the runtime's (Intl, ICU's tz data).
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `[start, end)`: the instants whose local date is `date` (23 h or 25 h on days the clocks change). */
export interface LocalDayRange {
  date: string;
  start: Date;
  end: Date;
}

/** The UTC midnight of a YYYY-MM-DD date (ms), or NaN when it is not a calendar date. */
function utcMidnight(date: string): number {
  const match = DATE.exec(date);
  if (!match) return NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const midnight = new Date(0);
  midnight.setUTCFullYear(year, month - 1, day);
  return midnight.getUTCFullYear() === year && midnight.getUTCMonth() === month - 1 && midnight.getUTCDate() === day ? midnight.getTime() : NaN;
}

function format(midnight: number): string {
  const date = new Date(midnight);
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** A real YYYY-MM-DD calendar date (`2026-02-30` is not). */
export function isCalendarDate(text: string): boolean {
  return !Number.isNaN(utcMidnight(text));
}

function requireDate(date: string): number {
  const midnight = utcMidnight(date);
  if (Number.isNaN(midnight)) throw new RangeError(`"${date}" is not a date (YYYY-MM-DD)`);
  return midnight;
}

/** `date` moved by whole calendar days. */
export function addDays(date: string, days: number): string {
  return format(requireDate(date) + days * DAY);
}

/** Calendar days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((requireDate(to) - requireDate(from)) / DAY);
}

/** Every date from `from` to `to`, both included, in order (empty when `to` is earlier). */
export function datesFrom(from: string, to: string): string[] {
  const count = daysBetween(from, to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, index) => addDays(from, index));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let found = formatters.get(timezone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, found);
  }
  return found;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: number, timezone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(timezone).formatToParts(instant)) parts[part.type] = part.value;
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** The local calendar date of an instant in a zone, YYYY-MM-DD. */
export function localDate(instant: Date | number, timezone: string): string {
  const { year, month, day } = wallClock(typeof instant === 'number' ? instant : instant.getTime(), timezone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** How far the zone's clock is ahead of UTC at an instant (ms, whole seconds). */
function offsetAt(instant: number, timezone: string): number {
  const wall = wallClock(instant, timezone);
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  asUtc.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return asUtc.getTime() - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant whose local date is `date` or later. Usually local midnight (the first one,
 * when the clocks go back over midnight); where the clocks skip midnight (America/Santiago in
 * September: 00:00 → 01:00) the moment they jump; for a date a zone skipped entirely
 * (Pacific/Apia, 2011-12-30) the start of the next day, so that day is empty.
 */
export function startOfLocalDay(date: string, timezone: string): number {
  const wall = requireDate(date);
  const candidates = [...new Set([wall - 14 * HOUR, wall, wall + 14 * HOUR].map((probe) => wall - offsetAt(probe, timezone)))].sort((a, b) => a - b);
  for (const candidate of candidates) {
    const clock = wallClock(candidate, timezone);
    if (localDate(candidate, timezone) === date && clock.hour === 0 && clock.minute === 0 && clock.second === 0) return candidate;
  }
  // Midnight does not happen that day: search the instant the local date turns (offsets lie within -12 h..+14 h).
  let before = wall - 15 * HOUR;
  let after = wall + 13 * HOUR;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (localDate(middle, timezone) >= date) after = middle;
    else before = middle;
  }
  return after;
}

/**
 * The instants of a local day: `[start, end)`, `end` the next day's start. In Europe/Berlin
 * 2026-03-29 lasts 23 h and 2026-10-25 lasts 25 h.
 */
export function localDayRange(date: string, timezone: string): LocalDayRange {
  return { date, start: new Date(startOfLocalDay(date, timezone)), end: new Date(startOfLocalDay(addDays(date, 1), timezone)) };
}
