import { addDays, datesFrom, daysBetween, isCalendarDate, localDate, localDayRange } from './local-day';

const HOUR = 3_600_000;

describe('localDayRange', () => {
  it.each([
    // date, zone, start, end, hours
    ['2026-11-24', 'UTC', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z', 24],
    ['2026-11-24', 'Asia/Shanghai', '2026-11-23T16:00:00.000Z', '2026-11-24T16:00:00.000Z', 24],
    ['2026-11-24', 'Asia/Kathmandu', '2026-11-23T18:15:00.000Z', '2026-11-24T18:15:00.000Z', 24],
    ['2026-07-01', 'Europe/Berlin', '2026-06-30T22:00:00.000Z', '2026-07-01T22:00:00.000Z', 24],
    // Clocks forward at 02:00 (Berlin) and 02:00 (New York): 23-hour days.
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 23],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23],
    // Clocks back at 03:00 (Berlin) and 02:00 (New York): 25-hour days.
    ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25],
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25],
    // The days around them are ordinary.
    ['2026-03-28', 'Europe/Berlin', '2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', 24],
    ['2026-10-26', 'Europe/Berlin', '2026-10-25T23:00:00.000Z', '2026-10-26T23:00:00.000Z', 24],
    // Chile moves its clocks at midnight: on 6 September 2026 local midnight never happens, the day
    // starts at 01:00; on 5 April it goes back at midnight, and the day starts at the second 23:00's end.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z', 23],
    ['2026-04-04', 'America/Santiago', '2026-04-04T03:00:00.000Z', '2026-04-05T04:00:00.000Z', 25],
    // Samoa skipped 30 December 2011 altogether: an empty day.
    ['2011-12-30', 'Pacific/Apia', '2011-12-30T10:00:00.000Z', '2011-12-30T10:00:00.000Z', 0],
  ])('%s in %s is [%s, %s), %d h', (date, zone, start, end, hours) => {
    const range = localDayRange(date, zone);
    expect(range.start.toISOString()).toBe(start);
    expect(range.end.toISOString()).toBe(end);
    expect((range.end.getTime() - range.start.getTime()) / HOUR).toBe(hours);
  });

  it('consecutive days tile time without gaps or overlaps', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago']) {
      const dates = datesFrom('2026-01-01', '2026-12-31');
      for (let index = 1; index < dates.length; index++) {
        expect(localDayRange(dates[index]!, zone).start).toEqual(localDayRange(dates[index - 1]!, zone).end);
      }
      for (const date of dates) {
        const { start, end } = localDayRange(date, zone);
        expect(localDate(start, zone)).toBe(date);
        expect(localDate(end.getTime() - 1, zone)).toBe(date);
      }
    }
  });
});

describe('localDate', () => {
  it.each([
    ['2026-11-24T15:59:59.999Z', 'Asia/Shanghai', '2026-11-24'],
    ['2026-11-24T16:00:00.000Z', 'Asia/Shanghai', '2026-11-25'],
    ['2026-11-24T04:59:59.999Z', 'America/New_York', '2026-11-23'],
    ['2026-10-25T22:59:59.999Z', 'Europe/Berlin', '2026-10-25'],
    ['2026-10-25T23:00:00.000Z', 'Europe/Berlin', '2026-10-26'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(localDate(new Date(instant), zone)).toBe(expected);
  });
});

describe('calendar dates', () => {
  it.each([
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['today', false],
    ['2026-11-24T00:00:00Z', false],
  ])('%s is a calendar date: %s', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });

  it('adds, counts and lists days across months and leap years', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-01-01', '2026-04-02')).toBe(91);
    expect(datesFrom('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(datesFrom('2026-01-02', '2026-01-01')).toEqual([]);
    expect(() => addDays('2026-02-30', 1)).toThrow('"2026-02-30" is not a date (YYYY-MM-DD)');
  });
});
