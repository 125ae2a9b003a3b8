import { createHash } from 'node:crypto';
import { dailySummaryId } from '@alertlark/contracts';

/** A chatbot's daily-statistics times, as the stats service schedules them. */
export interface SummarySchedule {
  teamId: string;
  objectId: string;
  /** HH:mm, local to `timezone`. */
  times: readonly string[];
  timezone: string;
}

export interface SummarySlot {
  teamId: string;
  objectId: string;
  /** Local day the summary is for. */
  date: string;
  time: string;
  timezone: string;
  notificationId: string;
  /** When it is posted: the configured time plus this chatbot's spread. */
  dueAt: number;
  late: boolean;
}

export interface ScheduleOptions {
  /** A slot missed (stats down) is still posted this long after its time, marked late; later, never. */
  graceMs: number;
  /** Posted this long after its time, a summary says it is late. */
  lateAfterMs: number;
  /** Posts are spread over [minSpreadMs, minSpreadMs + spreadMs) after the minute. */
  minSpreadMs: number;
  spreadMs: number;
}

/**
 * The summaries due at `now`: each configured time of each chatbot, today and the local days the
 * grace window reaches back to, whose (spread) instant has come and whose grace has not passed.
 * Lark throttles sends on the hour and half hour, the usual summary times: each chatbot's posts
 * are shifted by a few seconds fixed by its id and time, so many chatbots set to 09:00 do not all
 * post in the same second.
 */
export function dueSummarySlots(schedules: readonly SummarySchedule[], now: number, options: ScheduleOptions): SummarySlot[] {
  const slots: SummarySlot[] = [];
  for (const schedule of schedules) {
    const dates = new Set([localDate(now, schedule.timezone), localDate(now - options.graceMs - options.minSpreadMs - options.spreadMs, schedule.timezone)]);
    for (const date of dates) {
      for (const time of schedule.times) {
        const dueAt = zonedTimeToUtc(date, time, schedule.timezone) + spreadOffset(schedule.objectId, time, options);
        if (dueAt > now || now >= dueAt + options.graceMs) continue;
        slots.push({
          teamId: schedule.teamId,
          objectId: schedule.objectId,
          date,
          time,
          timezone: schedule.timezone,
          notificationId: dailySummaryId(schedule.objectId, date, time),
          dueAt,
          late: now - dueAt > options.lateAfterMs,
        });
      }
    }
  }
  return slots.sort((a, b) => a.dueAt - b.dueAt);
}

/**
 * Keeps, of the slots known to be handed over, those still due: no other is asked about again
 * (a slot is due only within its grace window), so the set never outgrows one window's slots.
 * One that comes due again (daily statistics switched off and on) is looked up once more.
 */
export function keepDueSlots(handedOver: Set<string>, due: readonly SummarySlot[]): void {
  const dueIds = new Set(due.map((slot) => slot.notificationId));
  for (const id of handedOver) if (!dueIds.has(id)) handedOver.delete(id);
}

export function spreadOffset(objectId: string, time: string, options: Pick<ScheduleOptions, 'minSpreadMs' | 'spreadMs'>): number {
  if (options.spreadMs <= 0) return options.minSpreadMs;
  const hash = createHash('sha1').update(`${objectId}/${time}`).digest().readUInt32BE(0);
  return options.minSpreadMs + (hash % options.spreadMs);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timezone, format);
  }
  return format;
}

function localParts(instant: number, timezone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(instant).map((part) => [part.type, part.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** The local calendar day of an instant, YYYY-MM-DD. */
export function localDate(instant: number, timezone: string): string {
  const { year, month, day } = localParts(instant, timezone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** How far the zone's clock is ahead of UTC at an instant (ms). */
function offsetAt(instant: number, timezone: string): number {
  const p = localParts(instant, timezone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local date and time of day happen in a zone. On a day the clocks go back, the
 * first of the two; a time skipped when they go forward happens as the same wall time after the jump
 * (02:30 becomes 03:30).
 */
export function zonedTimeToUtc(date: string, time: string, timezone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Zone offsets change at most once around a given wall time: try the offset before and after it.
  const before = wall - offsetAt(wall - 12 * HOUR, timezone);
  const after = wall - offsetAt(wall + 12 * HOUR, timezone);
  const valid = [before, after].filter((instant) => wall - offsetAt(instant, timezone) === instant);
  return valid.length > 0 ? Math.min(...valid) : before;
}

const HOUR = 3_600_000;
