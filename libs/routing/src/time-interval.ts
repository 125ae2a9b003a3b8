import { type TimeInterval } from '@alertlark/contracts';

/** A time interval field that Alertmanager would refuse; `path` names the field, e.g. `weekdays[1]`. */
export class TimeIntervalError extends Error {
  override readonly name = 'TimeIntervalError';

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Both ends included. */
interface InclusiveRange {
  readonly from: number;
  readonly to: number;
}

/** Minutes since local midnight, `startMinute` included and `endMinute` excluded (1440 = 24:00). */
interface MinuteRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

/**
 * A validated time interval, ready to be tested against instants. An empty list places no
 * constraint on its field.
 */
export interface CompiledTimeInterval {
  readonly times: readonly MinuteRange[];
  /** 0 = Sunday .. 6 = Saturday. */
  readonly weekdays: readonly InclusiveRange[];
  /** 1..31, or -31..-1 counted from the end of the month (-1 = last day). */
  readonly daysOfMonth: readonly InclusiveRange[];
  /** 1 = January .. 12 = December. */
  readonly months: readonly InclusiveRange[];
  readonly years: readonly InclusiveRange[];
  /** IANA zone whose wall clock the other fields are read in. */
  readonly timeZone: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MINUTES_PER_DAY = 24 * 60;

/**
 * Validates an interval the way Alertmanager validates `time_intervals` when it loads its
 * config, so a config it would refuse fails here too, and turns the strings into numbers once
 * rather than on every check. Throws a TimeIntervalError for the first bad field, in the order
 * times, weekdays, daysOfMonth, months, years, timezone.
 */
export function compileTimeInterval(interval: TimeInterval): CompiledTimeInterval {
  return {
    times: (interval.times ?? []).map((range, i) => compileTimeRange(range, `times[${i}]`)),
    weekdays: (interval.weekdays ?? []).map((text, i) => parseWeekdayRange(text, `weekdays[${i}]`)),
    daysOfMonth: (interval.daysOfMonth ?? []).map((text, i) => parseDayOfMonthRange(text, `daysOfMonth[${i}]`)),
    months: (interval.months ?? []).map((text, i) => parseMonthRange(text, `months[${i}]`)),
    years: (interval.years ?? []).map((text, i) => parseYearRange(text, `years[${i}]`)),
    timeZone: checkTimeZone(interval.timezone ?? 'UTC', 'timezone'),
  };
}

/**
 * Whether `at` falls in the interval: every non-empty field must match the wall clock in the
 * interval's zone. Seconds are ignored, as Alertmanager compares whole minutes. Throws a
 * RangeError for an invalid Date.
 */
export function inTimeInterval(interval: CompiledTimeInterval, at: Date | number): boolean {
  const clock = wallClockAt(interval.timeZone, at);
  return (
    isEmptyOrSome(interval.times, (range) => clock.minuteOfDay >= range.startMinute && clock.minuteOfDay < range.endMinute) &&
    isEmptyOrSome(interval.weekdays, (range) => includes(range, clock.weekday)) &&
    isEmptyOrSome(interval.daysOfMonth, (range) => includes(resolveDayOfMonthRange(range, clock.year, clock.month), clock.day)) &&
    isEmptyOrSome(interval.months, (range) => includes(range, clock.month)) &&
    isEmptyOrSome(interval.years, (range) => includes(range, clock.year))
  );
}

/** Whether `at` falls in at least one of the intervals, as for the entries of one named time interval. */
export function inAnyTimeInterval(intervals: readonly CompiledTimeInterval[], at: Date | number): boolean {
  return intervals.some((interval) => inTimeInterval(interval, at));
}

/** Alertmanager's route semantics: muted when in any mute interval, or when active intervals are given and none contains `at`. */
export function isMutedByTimeIntervals(
  windows: { readonly mute: readonly CompiledTimeInterval[]; readonly active: readonly CompiledTimeInterval[] },
  at: Date | number,
): boolean {
  return inAnyTimeInterval(windows.mute, at) || (windows.active.length > 0 && !inAnyTimeInterval(windows.active, at));
}

function fail(path: string, reason: string): never {
  throw new TimeIntervalError(path, reason);
}

function compileTimeRange(range: { readonly start: string; readonly end: string }, path: string): MinuteRange {
  const startMinute = parseTimeOfDay(range.start, `${path}.start`, false);
  const endMinute = parseTimeOfDay(range.end, `${path}.end`, true);
  if (endMinute <= startMinute) fail(`${path}.end`, `"${range.end}" must be after start "${range.start}"`);
  return { startMinute, endMinute };
}

/**
 * `HH:MM` from 00:00 to 23:59, two digits each, as Alertmanager's pattern demands; an end may
 * also be `24:00` so that a range can run to the end of the day.
 */
function parseTimeOfDay(text: string, path: string, isEnd: boolean): number {
  if (isEnd && text === '24:00') return MINUTES_PER_DAY;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) fail(path, `"${text}" is not a time HH:MM from 00:00 to ${isEnd ? '24:00' : '23:59'}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Parses `value` or `from:to`, case-insensitively as Alertmanager does. `member` maps one end to
 * its number, or to undefined when it is not one of `expected`.
 */
function parseRange(text: string, path: string, member: (end: string) => number | undefined, expected: string): InclusiveRange {
  const ends = text.split(':');
  if (ends.length > 2) fail(path, `"${text}" is not a single value or a from:to range`);
  const parseEnd = (end: string): number => member(end.toLowerCase()) ?? fail(path, `"${end}" is not ${expected}`);
  const from = parseEnd(ends[0]!);
  return { from, to: ends.length === 2 ? parseEnd(ends[1]!) : from };
}

function requireAscending(range: InclusiveRange, text: string, path: string): InclusiveRange {
  if (range.from > range.to) fail(path, `"${text}" starts after it ends`);
  return range;
}

/** Digits with an optional sign: the syntax of Go's strconv.Atoi, which Alertmanager uses. */
function parseInteger(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function indexOrUndefined(names: readonly string[], name: string): number | undefined {
  const index = names.indexOf(name);
  return index < 0 ? undefined : index;
}

function parseWeekdayRange(text: string, path: string): InclusiveRange {
  const range = parseRange(text, path, (end) => indexOrUndefined(WEEKDAYS, end), 'a weekday (sunday to saturday)');
  return requireAscending(range, text, path);
}

function parseMonthRange(text: string, path: string): InclusiveRange {
  const month = (end: string): number | undefined => {
    const byName = indexOrUndefined(MONTHS, end);
    if (byName !== undefined) return byName + 1;
    const byNumber = parseInteger(end);
    return byNumber !== undefined && byNumber >= 1 && byNumber <= 12 ? byNumber : undefined;
  };
  return requireAscending(parseRange(text, path, month, 'a month (january to december, or 1 to 12)'), text, path);
}

function parseYearRange(text: string, path: string): InclusiveRange {
  const year = (end: string): number | undefined => (/^\d{4}$/.test(end) ? Number(end) : undefined);
  return requireAscending(parseRange(text, path, year, 'a four-digit year'), text, path);
}

/**
 * Days count from the start (1..31) or from the end of the month (-1..-31). Alertmanager cannot
 * know the month when it loads the config, so it refuses a range that starts from the end but
 * ends from the start, and compares the ends as if in a 28-day month, counting -n as 28 - n.
 * That last rule refuses `28:-1` even though it is reachable in longer months; we refuse the
 * same configs it does.
 */
function parseDayOfMonthRange(text: string, path: string): InclusiveRange {
  const day = (end: string): number | undefined => {
    const n = parseInteger(end);
    return n !== undefined && n !== 0 && n >= -31 && n <= 31 ? n : undefined;
  };
  const range = parseRange(text, path, day, 'a day of the month (1 to 31, or -1 to -31 counting back from the last day)');
  if (range.from < 0 && range.to > 0) fail(path, `"${text}" starts counting from the end of the month, so it must end counting from the end too`);
  const asIn28DayMonth = (n: number): number => (n < 0 ? 28 + n : n);
  if (asIn28DayMonth(range.from) > asIn28DayMonth(range.to)) fail(path, `"${text}" ends before it starts (compared as in a 28-day month, as Alertmanager does)`);
  return range;
}

/**
 * Turns negative days into days of this month (-1 = its last day). Alertmanager then clamps the
 * ends to the month and skips ranges starting after it; neither changes which days 1..length
 * fall inside, so a plain comparison with the day gives the same answer.
 */
function resolveDayOfMonthRange(range: InclusiveRange, year: number, month: number): InclusiveRange {
  const length = daysInMonth(year, month);
  const resolve = (day: number): number => (day < 0 ? length + day + 1 : day);
  return { from: resolve(range.from), to: resolve(range.to) };
}

/** Calendar length, independent of DST: Alertmanager once derived it from elapsed hours and lost a day in spring-forward months. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function includes(range: InclusiveRange, value: number): boolean {
  return value >= range.from && value <= range.to;
}

/** A field with no entries matches any time; otherwise one entry must match. */
function isEmptyOrSome<T>(entries: readonly T[], matches: (entry: T) => boolean): boolean {
  return entries.length === 0 || entries.some(matches);
}

/** Building a DateTimeFormat is far slower than using one, and intervals are checked on every notification. */
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** Returns the zone's formatter, creating and caching it; throws a RangeError for a zone Intl does not know. */
function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'long',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Intl also takes offsets such as `+08:00`, which are not IANA names and which Alertmanager's
 * Go time.LoadLocation refuses, so they are refused here too.
 */
function checkTimeZone(timeZone: string, path: string): string {
  const notIana = (): never => fail(path, `"${timeZone}" is not an IANA time zone`);
  if (/^[+-]/.test(timeZone)) notIana();
  try {
    wallClockFormatter(timeZone);
  } catch {
    notIana();
  }
  return timeZone;
}

/** The calendar fields a clock on the wall in some zone shows at one instant. */
interface WallClock {
  readonly year: number;
  /** 1 = January. */
  readonly month: number;
  readonly day: number;
  /** 0 = Sunday. */
  readonly weekday: number;
  readonly minuteOfDay: number;
}

function wallClockAt(timeZone: string, at: Date | number): WallClock {
  const parts = new Map(wallClockFormatter(timeZone).formatToParts(at).map((part) => [part.type, part.value]));
  const numberOf = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.get(type));
  return {
    year: numberOf('year'),
    month: numberOf('month'),
    day: numberOf('day'),
    weekday: WEEKDAYS.indexOf(parts.get('weekday')!.toLowerCase()),
    minuteOfDay: numberOf('hour') * 60 + numberOf('minute'),
  };
}
