import type { TimeInterval } from '@alertlark/contracts';
import { TimeIntervalError, compileTimeInterval, type CompiledTimeInterval, inAnyTimeInterval, inTimeInterval, isMutedByTimeIntervals } from './time-interval';

// Calendar used below: 2026-03-01 is a Sunday, so 03-02 is Monday .. 03-07 Saturday.
// February has 28 days in 2026 and 29 in 2028; April has 30 and March 31.

const isIn = (interval: TimeInterval, iso: string): boolean => inTimeInterval(compileTimeInterval(interval), Date.parse(iso));

/** Runs `compile` and returns what it threw, so a test can look at the error's fields. */
function errorFrom(compile: () => unknown): unknown {
  try {
    compile();
  } catch (error) {
    return error;
  }
  throw new Error('expected compileTimeInterval to throw');
}

describe('inTimeInterval', () => {
  describe('times: start included, end excluded, seconds ignored', () => {
    const businessHours = [{ start: '09:00', end: '17:00' }];
    const lateEvening = [{ start: '22:00', end: '24:00' }];
    const firstMinute = [{ start: '00:00', end: '00:01' }];
    const nightAndEvening = [
      { start: '00:00', end: '06:00' },
      { start: '18:00', end: '24:00' },
    ];
    it.each<[TimeInterval['times'], string, boolean]>([
      [businessHours, '2026-03-04T08:59:59.999Z', false],
      [businessHours, '2026-03-04T09:00:00Z', true],
      [businessHours, '2026-03-04T16:59:59.999Z', true],
      [businessHours, '2026-03-04T17:00:00Z', false],
      [lateEvening, '2026-03-04T21:59:59.999Z', false],
      [lateEvening, '2026-03-04T22:00:00Z', true],
      [lateEvening, '2026-03-04T23:59:59.999Z', true],
      [lateEvening, '2026-03-05T00:00:00Z', false],
      [firstMinute, '2026-03-05T00:00:00Z', true],
      [firstMinute, '2026-03-05T00:00:59.999Z', true],
      [firstMinute, '2026-03-05T00:01:00Z', false],
      [nightAndEvening, '2026-03-04T05:59:00Z', true],
      [nightAndEvening, '2026-03-04T06:00:00Z', false],
      [nightAndEvening, '2026-03-04T12:00:00Z', false],
      [nightAndEvening, '2026-03-04T18:00:00Z', true],
      [nightAndEvening, '2026-03-04T23:30:00Z', true],
    ])('%j at %s → %s', (times, iso, expected) => {
      expect(isIn({ times }, iso)).toBe(expected);
    });
  });

  describe('weekdays: names or inclusive ranges, any case', () => {
    it.each<[string[], string, boolean]>([
      [['monday:friday'], '2026-03-01T12:00:00Z', false],
      [['monday:friday'], '2026-03-02T12:00:00Z', true],
      [['monday:friday'], '2026-03-06T12:00:00Z', true],
      [['monday:friday'], '2026-03-07T12:00:00Z', false],
      [['tuesday:thursday'], '2026-03-02T12:00:00Z', false],
      [['tuesday:thursday'], '2026-03-03T12:00:00Z', true],
      [['tuesday:thursday'], '2026-03-05T12:00:00Z', true],
      [['tuesday:thursday'], '2026-03-06T12:00:00Z', false],
      [['saturday', 'sunday'], '2026-03-07T12:00:00Z', true],
      [['saturday', 'sunday'], '2026-03-08T12:00:00Z', true],
      [['saturday', 'sunday'], '2026-03-04T12:00:00Z', false],
      [['SUNDAY'], '2026-03-01T12:00:00Z', true],
      [['SUNDAY'], '2026-03-02T12:00:00Z', false],
      [['Monday:FRIDAY'], '2026-03-04T12:00:00Z', true],
      [['Monday:FRIDAY'], '2026-03-07T12:00:00Z', false],
    ])('%j at %s → %s', (weekdays, iso, expected) => {
      expect(isIn({ weekdays }, iso)).toBe(expected);
    });
  });

  describe('daysOfMonth: negative days count back from the last day of the actual month', () => {
    it.each<[string[], string, boolean]>([
      [['1:5'], '2026-03-01T12:00:00Z', true],
      [['1:5'], '2026-03-05T12:00:00Z', true],
      [['1:5'], '2026-03-06T12:00:00Z', false],
      [['1', '15', '-1'], '2026-03-15T12:00:00Z', true],
      [['1', '15', '-1'], '2026-03-14T12:00:00Z', false],
      // -1 is the 28th, 29th, 30th or 31st.
      [['-1'], '2026-02-28T12:00:00Z', true],
      [['-1'], '2026-02-27T12:00:00Z', false],
      [['-1'], '2028-02-29T12:00:00Z', true],
      [['-1'], '2028-02-28T12:00:00Z', false],
      [['-1'], '2026-04-30T12:00:00Z', true],
      [['-1'], '2026-04-29T12:00:00Z', false],
      [['-1'], '2026-03-31T12:00:00Z', true],
      [['-1'], '2026-03-30T12:00:00Z', false],
      // -3:-1 is the last three days.
      [['-3:-1'], '2026-02-26T12:00:00Z', true],
      [['-3:-1'], '2026-02-25T12:00:00Z', false],
      [['-3:-1'], '2028-02-27T12:00:00Z', true],
      [['-3:-1'], '2028-02-26T12:00:00Z', false],
      [['-3:-1'], '2026-04-28T12:00:00Z', true],
      [['-3:-1'], '2026-04-27T12:00:00Z', false],
      [['-3:-1'], '2026-03-29T12:00:00Z', true],
      [['-3:-1'], '2026-03-28T12:00:00Z', false],
      // 2:-2 drops the first and the last day.
      [['2:-2'], '2026-03-01T12:00:00Z', false],
      [['2:-2'], '2026-03-02T12:00:00Z', true],
      [['2:-2'], '2026-03-30T12:00:00Z', true],
      [['2:-2'], '2026-03-31T12:00:00Z', false],
      [['2:-2'], '2026-02-27T12:00:00Z', true],
      [['2:-2'], '2026-02-28T12:00:00Z', false],
      [['27:-1'], '2026-02-26T12:00:00Z', false],
      [['27:-1'], '2026-02-27T12:00:00Z', true],
      [['27:-1'], '2026-03-31T12:00:00Z', true],
      // A day the month does not have never matches.
      [['31'], '2026-03-31T12:00:00Z', true],
      [['31'], '2026-04-30T12:00:00Z', false],
      [['29'], '2028-02-29T12:00:00Z', true],
      [['29:31'], '2026-02-28T12:00:00Z', false],
      [['-31'], '2026-03-01T12:00:00Z', true],
      [['-31'], '2026-04-01T12:00:00Z', false],
      [['-31'], '2026-02-01T12:00:00Z', false],
      // In April -31:-30 resolves to 0..1, so it still covers the 1st.
      [['-31:-30'], '2026-04-01T12:00:00Z', true],
      [['-31:-30'], '2026-04-02T12:00:00Z', false],
      [['-31:-30'], '2026-03-02T12:00:00Z', true],
      [['-31:-30'], '2026-03-03T12:00:00Z', false],
    ])('%j at %s → %s', (daysOfMonth, iso, expected) => {
      expect(isIn({ daysOfMonth }, iso)).toBe(expected);
    });
  });

  describe('months: names or numbers, ranges, any case', () => {
    it.each<[string[], string, boolean]>([
      [['january:march'], '2026-01-01T00:00:00Z', true],
      [['january:march'], '2026-03-31T23:59:00Z', true],
      [['january:march'], '2026-04-01T00:00:00Z', false],
      [['january:march'], '2026-12-15T12:00:00Z', false],
      [['12'], '2026-12-31T12:00:00Z', true],
      [['12'], '2026-11-30T12:00:00Z', false],
      [['10:12'], '2026-10-01T00:00:00Z', true],
      [['10:12'], '2026-09-30T23:59:00Z', false],
      [['MAY', 'July'], '2026-05-15T12:00:00Z', true],
      [['MAY', 'July'], '2026-07-15T12:00:00Z', true],
      [['MAY', 'July'], '2026-06-15T12:00:00Z', false],
      [['february:4'], '2026-03-15T12:00:00Z', true],
      [['february:4'], '2026-01-15T12:00:00Z', false],
      [['february:4'], '2026-05-01T12:00:00Z', false],
    ])('%j at %s → %s', (months, iso, expected) => {
      expect(isIn({ months }, iso)).toBe(expected);
    });
  });

  describe('years: single years or ranges', () => {
    it.each<[string[], string, boolean]>([
      [['2026'], '2026-01-01T00:00:00Z', true],
      [['2026'], '2025-12-31T23:59:59.999Z', false],
      [['2027:2028'], '2026-12-31T23:59:00Z', false],
      [['2027:2028'], '2027-01-01T00:00:00Z', true],
      [['2027:2028'], '2028-12-31T23:59:00Z', true],
      [['2027:2028'], '2029-01-01T00:00:00Z', false],
      [['2024', '2026'], '2025-06-01T12:00:00Z', false],
      [['2024', '2026'], '2026-06-01T12:00:00Z', true],
    ])('%j at %s → %s', (years, iso, expected) => {
      expect(isIn({ years }, iso)).toBe(expected);
    });
  });

  describe('every field given must match', () => {
    const firstWorkingWeekOfMarch2026: TimeInterval = {
      times: [{ start: '09:00', end: '17:00' }],
      weekdays: ['monday:friday'],
      daysOfMonth: ['1:7'],
      months: ['march'],
      years: ['2026'],
    };
    it.each<[string, string, boolean]>([
      ['all fields match', '2026-03-02T10:00:00Z', true],
      ['the time is outside', '2026-03-02T08:00:00Z', false],
      ['the weekday is outside', '2026-03-07T10:00:00Z', false],
      ['the day of month is outside', '2026-03-09T10:00:00Z', false],
      ['the month is outside (a Monday the 6th)', '2026-04-06T10:00:00Z', false],
      ['the year is outside (a Monday the 1st)', '2027-03-01T10:00:00Z', false],
    ])('%s: %s → %s', (_why, iso, expected) => {
      expect(isIn(firstWorkingWeekOfMarch2026, iso)).toBe(expected);
    });
  });

  describe('absent or empty fields match any time', () => {
    it.each<[string, string, boolean, TimeInterval]>([
      ['no fields', '2026-03-07T03:00:00Z', true, {}],
      ['only empty lists', '2026-03-07T03:00:00Z', true, { times: [], weekdays: [], daysOfMonth: [], months: [], years: [] }],
      ['empty weekdays beside times, inside the times', '2026-03-07T03:00:00Z', true, { weekdays: [], times: [{ start: '02:00', end: '04:00' }] }],
      ['empty weekdays beside times, outside the times', '2026-03-07T04:00:00Z', false, { weekdays: [], times: [{ start: '02:00', end: '04:00' }] }],
    ])('%s, at %s → %s', (_why, iso, expected, interval) => {
      expect(isIn(interval, iso)).toBe(expected);
    });
  });

  it('takes a Date as well as epoch milliseconds', () => {
    const weekdays = compileTimeInterval({ weekdays: ['monday'] });
    expect(inTimeInterval(weekdays, new Date('2026-03-02T12:00:00Z'))).toBe(true);
    expect(inTimeInterval(weekdays, new Date('2026-03-03T12:00:00Z'))).toBe(false);
  });

  describe('timezone: fields are read on the wall clock of the zone', () => {
    it.each<[string, TimeInterval, string, boolean]>([
      // 2026-03-06T16:30Z is Friday 16:30 in UTC and Saturday 00:30 in Shanghai (UTC+8).
      ['UTC by default: Friday', { weekdays: ['friday'] }, '2026-03-06T16:30:00Z', true],
      ['explicit UTC: Friday', { weekdays: ['friday'], timezone: 'UTC' }, '2026-03-06T16:30:00Z', true],
      ['Shanghai: not Friday any more', { weekdays: ['friday'], timezone: 'Asia/Shanghai' }, '2026-03-06T16:30:00Z', false],
      ['UTC: not Saturday yet', { weekdays: ['saturday'] }, '2026-03-06T16:30:00Z', false],
      ['Shanghai: already Saturday', { weekdays: ['saturday'], timezone: 'Asia/Shanghai' }, '2026-03-06T16:30:00Z', true],
      ['UTC: 16:30', { times: [{ start: '16:00', end: '17:00' }] }, '2026-03-06T16:30:00Z', true],
      ['Shanghai: not 16:30', { times: [{ start: '16:00', end: '17:00' }], timezone: 'Asia/Shanghai' }, '2026-03-06T16:30:00Z', false],
      ['UTC: not 00:30', { times: [{ start: '00:00', end: '01:00' }] }, '2026-03-06T16:30:00Z', false],
      ['Shanghai: 00:30', { times: [{ start: '00:00', end: '01:00' }], timezone: 'Asia/Shanghai' }, '2026-03-06T16:30:00Z', true],
      // 2026-02-28T16:00Z is the last day of February in UTC and 1 March 00:00 in Shanghai.
      ['UTC: last day of February', { daysOfMonth: ['-1'] }, '2026-02-28T16:00:00Z', true],
      ['Shanghai: not the last day', { daysOfMonth: ['-1'], timezone: 'Asia/Shanghai' }, '2026-02-28T16:00:00Z', false],
      ['UTC: not the 1st', { daysOfMonth: ['1'] }, '2026-02-28T16:00:00Z', false],
      ['Shanghai: the 1st', { daysOfMonth: ['1'], timezone: 'Asia/Shanghai' }, '2026-02-28T16:00:00Z', true],
      ['UTC: still February', { months: ['march'] }, '2026-02-28T16:00:00Z', false],
      ['Shanghai: already March', { months: ['march'], timezone: 'Asia/Shanghai' }, '2026-02-28T16:00:00Z', true],
      // 2026-12-31T16:00Z is 2027-01-01 00:00 in Shanghai.
      ['UTC: still 2026', { years: ['2027'] }, '2026-12-31T16:00:00Z', false],
      ['Shanghai: already 2027', { years: ['2027'], timezone: 'Asia/Shanghai' }, '2026-12-31T16:00:00Z', true],
      // 2026-01-01T03:00Z is 2025-12-31 22:00 in New York (UTC-5 in winter).
      ['UTC: 2026', { years: ['2025'] }, '2026-01-01T03:00:00Z', false],
      ['New York: still 2025', { years: ['2025'], timezone: 'America/New_York' }, '2026-01-01T03:00:00Z', true],
      ['New York: still December', { months: ['december'], timezone: 'America/New_York' }, '2026-01-01T03:00:00Z', true],
      // Kolkata is UTC+5:30: 03:29Z is 08:59, 03:30Z is 09:00.
      ['Kolkata: 08:59', { times: [{ start: '09:00', end: '17:00' }], timezone: 'Asia/Kolkata' }, '2026-03-02T03:29:00Z', false],
      ['Kolkata: 09:00', { times: [{ start: '09:00', end: '17:00' }], timezone: 'Asia/Kolkata' }, '2026-03-02T03:30:00Z', true],
    ])('%s (%j at %s)', (_why, interval, iso, expected) => {
      expect(isIn(interval, iso)).toBe(expected);
    });
  });

  describe('DST: the wall clock, not a fixed offset, decides', () => {
    const newYork = (fields: TimeInterval): TimeInterval => ({ ...fields, timezone: 'America/New_York' });
    const london = (fields: TimeInterval): TimeInterval => ({ ...fields, timezone: 'Europe/London' });
    const officeHours = [{ start: '09:00', end: '17:00' }];
    it.each<[string, string, boolean, TimeInterval]>([
      // New York springs forward on Sunday 2026-03-08: 02:00 EST (UTC-5) becomes 03:00 EDT (UTC-4) at 07:00Z.
      ['NY Friday before, 08:59 EST', '2026-03-06T13:59:00Z', false, newYork({ times: officeHours })],
      ['NY Friday before, 09:00 EST', '2026-03-06T14:00:00Z', true, newYork({ times: officeHours })],
      ['NY Monday after, 08:59 EDT', '2026-03-09T12:59:00Z', false, newYork({ times: officeHours })],
      ['NY Monday after, 09:00 EDT', '2026-03-09T13:00:00Z', true, newYork({ times: officeHours })],
      ['NY Monday after, 17:00 EDT', '2026-03-09T21:00:00Z', false, newYork({ times: officeHours })],
      ['NY 01:59 EST, just before the skipped hour', '2026-03-08T06:59:00Z', false, newYork({ times: [{ start: '02:00', end: '03:00' }] })],
      ['NY 03:00 EDT, the skipped hour never shows', '2026-03-08T07:00:00Z', false, newYork({ times: [{ start: '02:00', end: '03:00' }] })],
      ['NY 03:00 EDT right after the jump', '2026-03-08T07:00:00Z', true, newYork({ times: [{ start: '03:00', end: '04:00' }] })],
      // Alertmanager used to count 30 days in a spring-forward month, so -1 meant 30 March.
      ['NY -1 is 31 March', '2026-03-31T16:00:00Z', true, newYork({ daysOfMonth: ['-1'] })],
      ['NY -1 is not 30 March', '2026-03-30T16:00:00Z', false, newYork({ daysOfMonth: ['-1'] })],
      ['NY 31 exists in March', '2026-03-31T16:00:00Z', true, newYork({ daysOfMonth: ['31'] })],
      // New York falls back on Sunday 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z, so 01:xx happens twice.
      ['NY 00:59 EDT', '2026-11-01T04:59:00Z', false, newYork({ times: [{ start: '01:00', end: '02:00' }] })],
      ['NY 01:00 EDT', '2026-11-01T05:00:00Z', true, newYork({ times: [{ start: '01:00', end: '02:00' }] })],
      ['NY 01:59 EDT', '2026-11-01T05:59:00Z', true, newYork({ times: [{ start: '01:00', end: '02:00' }] })],
      ['NY 01:00 EST, the repeated hour', '2026-11-01T06:00:00Z', true, newYork({ times: [{ start: '01:00', end: '02:00' }] })],
      ['NY 01:59 EST', '2026-11-01T06:59:00Z', true, newYork({ times: [{ start: '01:00', end: '02:00' }] })],
      ['NY 02:00 EST', '2026-11-01T07:00:00Z', false, newYork({ times: [{ start: '01:00', end: '02:00' }] })],
      ['NY Sunday 23:30 EST after fall-back', '2026-11-02T04:30:00Z', true, newYork({ weekdays: ['sunday'] })],
      ['NY Monday 00:00 EST after fall-back', '2026-11-02T05:00:00Z', false, newYork({ weekdays: ['sunday'] })],
      // London springs forward on Sunday 2026-03-29: 01:00 GMT (UTC) becomes 02:00 BST (UTC+1) at 01:00Z.
      ['London 00:59 GMT', '2026-03-29T00:59:00Z', true, london({ times: [{ start: '00:00', end: '01:00' }] })],
      ['London 00:59 GMT, before the skipped hour', '2026-03-29T00:59:00Z', false, london({ times: [{ start: '01:00', end: '02:00' }] })],
      ['London 02:00 BST, the skipped hour never shows', '2026-03-29T01:00:00Z', false, london({ times: [{ start: '01:00', end: '02:00' }] })],
      ['London 02:00 BST', '2026-03-29T01:00:00Z', true, london({ times: [{ start: '02:00', end: '03:00' }] })],
      ['London 02:59 BST', '2026-03-29T01:59:00Z', true, london({ times: [{ start: '02:00', end: '03:00' }] })],
      ['London 03:00 BST', '2026-03-29T02:00:00Z', false, london({ times: [{ start: '02:00', end: '03:00' }] })],
      ['London Friday before, 08:59 GMT', '2026-03-27T08:59:00Z', false, london({ times: officeHours })],
      ['London Friday before, 09:00 GMT', '2026-03-27T09:00:00Z', true, london({ times: officeHours })],
      ['London Monday after, 08:59 BST', '2026-03-30T07:59:00Z', false, london({ times: officeHours })],
      ['London Monday after, 09:00 BST', '2026-03-30T08:00:00Z', true, london({ times: officeHours })],
      ['London Monday after, 17:00 BST', '2026-03-30T16:00:00Z', false, london({ times: officeHours })],
      ['London 1 April 00:30 BST', '2026-03-31T23:30:00Z', true, london({ daysOfMonth: ['1'], months: ['april'] })],
    ])('%s (%s → %s)', (_why, iso, expected, interval) => {
      expect(isIn(interval, iso)).toBe(expected);
    });
  });

  it('builds one Intl.DateTimeFormat per zone, not one per check', () => {
    const construct = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      const zone = 'Pacific/Chatham';
      const interval = compileTimeInterval({ times: [{ start: '09:00', end: '10:00' }], timezone: zone });
      compileTimeInterval({ weekdays: ['tuesday'], timezone: zone });
      // Chatham is UTC+13:45 in March (its summer), so 19:15Z on the 2nd is 09:00 on the 3rd.
      expect(inTimeInterval(interval, Date.parse('2026-03-02T19:15:00Z'))).toBe(true);
      expect(inTimeInterval(interval, Date.parse('2026-03-02T19:14:00Z'))).toBe(false);
      expect(inTimeInterval(interval, Date.parse('2026-03-02T20:15:00Z'))).toBe(false);
      const forZone = construct.mock.calls.filter(([, options]) => options?.timeZone === zone);
      expect(forZone).toHaveLength(1);
    } finally {
      construct.mockRestore();
    }
  });
});

describe('compileTimeInterval', () => {
  it.each<[string, TimeInterval]>([
    ['a one-day weekday range', { weekdays: ['monday:monday'] }],
    ['days from the start to the end', { daysOfMonth: ['1:-1', '-31:-1', '27:-1'] }],
    ['a month range mixing names and numbers', { months: ['JANUARY:3'] }],
    ['a one-year range', { years: ['2026:2026'] }],
    ['a whole day', { times: [{ start: '00:00', end: '24:00' }] }],
  ])('accepts %s', (_what, interval) => {
    expect(() => compileTimeInterval(interval)).not.toThrow();
  });

  it.each<[TimeInterval, string, string]>([
    [{ times: [{ start: '9:00', end: '17:00' }] }, 'times[0].start', '"9:00" is not a time HH:MM from 00:00 to 23:59'],
    [{ times: [{ start: '', end: '17:00' }] }, 'times[0].start', '"" is not a time HH:MM from 00:00 to 23:59'],
    [{ times: [{ start: '24:00', end: '24:00' }] }, 'times[0].start', '"24:00" is not a time HH:MM from 00:00 to 23:59'],
    [{ times: [{ start: '09:60', end: '17:00' }] }, 'times[0].start', '"09:60" is not a time HH:MM from 00:00 to 23:59'],
    [{ times: [{ start: '09:00', end: '25:00' }] }, 'times[0].end', '"25:00" is not a time HH:MM from 00:00 to 24:00'],
    [{ times: [{ start: '09:00', end: '24:01' }] }, 'times[0].end', '"24:01" is not a time HH:MM from 00:00 to 24:00'],
    [{ times: [{ start: '09:00', end: '17:00:00' }] }, 'times[0].end', '"17:00:00" is not a time HH:MM from 00:00 to 24:00'],
    [{ times: [{ start: '09:00', end: '09:00' }] }, 'times[0].end', '"09:00" must be after start "09:00"'],
    [{ times: [{ start: '09:00', end: '08:00' }] }, 'times[0].end', '"08:00" must be after start "09:00"'],
    [
      {
        times: [
          { start: '09:00', end: '12:00' },
          { start: '13:00', end: '12:59' },
        ],
      },
      'times[1].end',
      '"12:59" must be after start "13:00"',
    ],
    [{ weekdays: ['monday', 'funday'] }, 'weekdays[1]', '"funday" is not a weekday (sunday to saturday)'],
    [{ weekdays: ['1'] }, 'weekdays[0]', '"1" is not a weekday (sunday to saturday)'],
    [{ weekdays: [' monday'] }, 'weekdays[0]', '" monday" is not a weekday (sunday to saturday)'],
    [{ weekdays: ['monday:'] }, 'weekdays[0]', '"" is not a weekday (sunday to saturday)'],
    [{ weekdays: ['Friday:Monday'] }, 'weekdays[0]', '"Friday:Monday" starts after it ends'],
    [{ weekdays: ['monday:tuesday:wednesday'] }, 'weekdays[0]', '"monday:tuesday:wednesday" is not a single value or a from:to range'],
    [{ daysOfMonth: ['0'] }, 'daysOfMonth[0]', '"0" is not a day of the month (1 to 31, or -1 to -31 counting back from the last day)'],
    [{ daysOfMonth: ['1:0'] }, 'daysOfMonth[0]', '"0" is not a day of the month (1 to 31, or -1 to -31 counting back from the last day)'],
    [{ daysOfMonth: ['32'] }, 'daysOfMonth[0]', '"32" is not a day of the month (1 to 31, or -1 to -31 counting back from the last day)'],
    [{ daysOfMonth: ['-32'] }, 'daysOfMonth[0]', '"-32" is not a day of the month (1 to 31, or -1 to -31 counting back from the last day)'],
    [{ daysOfMonth: ['1.5'] }, 'daysOfMonth[0]', '"1.5" is not a day of the month (1 to 31, or -1 to -31 counting back from the last day)'],
    [{ daysOfMonth: ['1', 'last'] }, 'daysOfMonth[1]', '"last" is not a day of the month (1 to 31, or -1 to -31 counting back from the last day)'],
    [{ daysOfMonth: ['5:3'] }, 'daysOfMonth[0]', '"5:3" ends before it starts (compared as in a 28-day month, as Alertmanager does)'],
    [{ daysOfMonth: ['-1:-3'] }, 'daysOfMonth[0]', '"-1:-3" ends before it starts (compared as in a 28-day month, as Alertmanager does)'],
    [{ daysOfMonth: ['28:-1'] }, 'daysOfMonth[0]', '"28:-1" ends before it starts (compared as in a 28-day month, as Alertmanager does)'],
    [{ daysOfMonth: ['-5:5'] }, 'daysOfMonth[0]', '"-5:5" starts counting from the end of the month, so it must end counting from the end too'],
    [{ months: ['janvier'] }, 'months[0]', '"janvier" is not a month (january to december, or 1 to 12)'],
    [{ months: ['0'] }, 'months[0]', '"0" is not a month (january to december, or 1 to 12)'],
    [{ months: ['13'] }, 'months[0]', '"13" is not a month (january to december, or 1 to 12)'],
    [{ months: ['March:January'] }, 'months[0]', '"March:January" starts after it ends'],
    [{ months: ['1', '12:1'] }, 'months[1]', '"12:1" starts after it ends'],
    [{ months: ['1:2:3'] }, 'months[0]', '"1:2:3" is not a single value or a from:to range'],
    [{ years: ['26'] }, 'years[0]', '"26" is not a four-digit year'],
    [{ years: ['20266'] }, 'years[0]', '"20266" is not a four-digit year'],
    [{ years: ['-2026'] }, 'years[0]', '"-2026" is not a four-digit year'],
    [{ years: ['next'] }, 'years[0]', '"next" is not a four-digit year'],
    [{ years: ['2026:2025'] }, 'years[0]', '"2026:2025" starts after it ends'],
    [{ timezone: 'Mars/Olympus' }, 'timezone', '"Mars/Olympus" is not an IANA time zone'],
    [{ timezone: '' }, 'timezone', '"" is not an IANA time zone'],
    [{ timezone: '+08:00' }, 'timezone', '"+08:00" is not an IANA time zone'],
    // The first bad field wins, in the order times, weekdays, daysOfMonth, months, years, timezone.
    [{ timezone: 'Nowhere', years: ['x'], weekdays: ['funday'] }, 'weekdays[0]', '"funday" is not a weekday (sunday to saturday)'],
    [{ timezone: 'Nowhere', times: [{ start: 'x', end: 'y' }] }, 'times[0].start', '"x" is not a time HH:MM from 00:00 to 23:59'],
  ])('refuses %j at %s', (interval, path, reason) => {
    const error = errorFrom(() => compileTimeInterval(interval));
    expect(error).toBeInstanceOf(TimeIntervalError);
    expect(error).toMatchObject({ name: 'TimeIntervalError', path, reason, message: `${path}: ${reason}` });
  });
});

describe('inAnyTimeInterval and isMutedByTimeIntervals', () => {
  const weekend = compileTimeInterval({ weekdays: ['saturday', 'sunday'] });
  const officeHours = compileTimeInterval({ weekdays: ['monday:friday'], times: [{ start: '09:00', end: '17:00' }] });
  const night = compileTimeInterval({ times: [{ start: '00:00', end: '06:00' }] });
  const saturdayNoon = '2026-03-07T12:00:00Z';
  const mondayMorning = '2026-03-02T10:00:00Z';
  const mondayEvening = '2026-03-02T20:00:00Z';
  const mondayNight = '2026-03-02T03:00:00Z';

  it.each<[string, string, boolean, readonly CompiledTimeInterval[]]>([
    ['an empty list', mondayMorning, false, []],
    ['the first of two', saturdayNoon, true, [weekend, officeHours]],
    ['the second of two', mondayMorning, true, [weekend, officeHours]],
    ['neither of two', mondayEvening, false, [weekend, officeHours]],
  ])('inAnyTimeInterval: %s, at %s → %s', (_why, iso, expected, intervals) => {
    expect(inAnyTimeInterval(intervals, Date.parse(iso))).toBe(expected);
  });

  it.each<[string, string, boolean, { mute: CompiledTimeInterval[]; active: CompiledTimeInterval[] }]>([
    ['no intervals', saturdayNoon, false, { mute: [], active: [] }],
    ['inside a mute interval', saturdayNoon, true, { mute: [weekend], active: [] }],
    ['outside the mute interval', mondayMorning, false, { mute: [weekend], active: [] }],
    ['inside the second mute interval', saturdayNoon, true, { mute: [night, weekend], active: [] }],
    ['inside the first mute interval', mondayNight, true, { mute: [night, weekend], active: [] }],
    ['outside both mute intervals', mondayMorning, false, { mute: [night, weekend], active: [] }],
    ['inside the active interval', mondayMorning, false, { mute: [], active: [officeHours] }],
    ['outside the active interval', mondayEvening, true, { mute: [], active: [officeHours] }],
    ['inside the second active interval', saturdayNoon, false, { mute: [], active: [officeHours, weekend] }],
    ['outside both active intervals', mondayEvening, true, { mute: [], active: [officeHours, weekend] }],
    ['in a mute interval, outside the active one', saturdayNoon, true, { mute: [weekend], active: [officeHours] }],
    ['in neither, with active intervals given', mondayEvening, true, { mute: [weekend], active: [officeHours] }],
    ['in the active interval only', mondayMorning, false, { mute: [weekend], active: [officeHours] }],
    ['in both: mute wins', mondayNight, true, { mute: [night], active: [night] }],
  ])('isMutedByTimeIntervals: %s, at %s → %s', (_why, iso, expected, windows) => {
    expect(isMutedByTimeIntervals(windows, Date.parse(iso))).toBe(expected);
  });

  it('isMutedByTimeIntervals takes a Date', () => {
    expect(isMutedByTimeIntervals({ mute: [weekend], active: [] }, new Date(saturdayNoon))).toBe(true);
  });
});
