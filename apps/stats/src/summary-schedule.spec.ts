import { dueSummarySlots, keepDueSlots, localDate, spreadOffset, zonedTimeToUtc } from './summary-schedule';

const iso = (instant: number) => new Date(instant).toISOString();

describe('zonedTimeToUtc', () => {
  it.each([
    ['2026-11-24', '09:00', 'UTC', '2026-11-24T09:00:00.000Z'],
    ['2026-11-24', '09:00', 'Asia/Shanghai', '2026-11-24T01:00:00.000Z'],
    ['2026-11-24', '00:00', 'America/New_York', '2026-11-24T05:00:00.000Z'],
    ['2026-07-01', '09:00', 'Europe/Berlin', '2026-07-01T07:00:00.000Z'],
    ['2026-01-01', '09:00', 'Europe/Berlin', '2026-01-01T08:00:00.000Z'],
    ['2026-11-24', '18:30', 'Asia/Kolkata', '2026-11-24T13:00:00.000Z'],
    // Clocks forward (Berlin, 29 March 2026 02:00 → 03:00): 02:30 does not exist and posts at 03:30.
    ['2026-03-29', '02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['2026-03-29', '09:00', 'Europe/Berlin', '2026-03-29T07:00:00.000Z'],
    // Clocks back (Berlin, 25 October 2026 03:00 → 02:00): 02:30 happens twice; the first one.
    ['2026-10-25', '02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    ['2026-11-01', '01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'],
  ])('%s %s in %s is %s', (date, time, zone, expected) => {
    expect(iso(zonedTimeToUtc(date, time, zone))).toBe(expected);
  });
});

describe('localDate', () => {
  it.each([
    ['2026-11-24T15:59:59Z', 'Asia/Shanghai', '2026-11-24'],
    ['2026-11-24T16:00:00Z', 'Asia/Shanghai', '2026-11-25'],
    ['2026-11-24T04:59:59Z', 'America/New_York', '2026-11-23'],
  ])('%s in %s is %s', (instant, zone, expected) => {
    expect(localDate(Date.parse(instant), zone)).toBe(expected);
  });
});

describe('dueSummarySlots', () => {
  const options = { graceMs: 2 * 3_600_000, lateAfterMs: 60_000, minSpreadMs: 5_000, spreadMs: 25_000 };
  const shanghai = { teamId: 't1', objectId: 'o1', times: ['09:00', '18:00'], timezone: 'Asia/Shanghai' };
  const nineAm = Date.parse('2026-11-24T01:00:00Z');
  const spread = spreadOffset('o1', '09:00', options);

  it('spreads each chatbot a few seconds past the minute, the same way every day', () => {
    expect(spread).toBeGreaterThanOrEqual(5_000);
    expect(spread).toBeLessThan(30_000);
    expect(spreadOffset('o1', '09:00', options)).toBe(spread);
    const offsets = new Set(Array.from({ length: 50 }, (_, i) => spreadOffset(`o${i}`, '09:00', options)));
    expect(offsets.size).toBeGreaterThan(20);
  });

  it('is not due before its spread instant, is due at it, on time', () => {
    expect(dueSummarySlots([shanghai], nineAm + spread - 1, options)).toEqual([]);
    expect(dueSummarySlots([shanghai], nineAm + spread, options)).toEqual([
      { teamId: 't1', objectId: 'o1', date: '2026-11-24', time: '09:00', timezone: 'Asia/Shanghai', notificationId: 'daily/o1/2026-11-24/09:00', dueAt: nineAm + spread, late: false },
    ]);
  });

  it('a slot missed while stats was down is due late within the grace window, and never after', () => {
    expect(dueSummarySlots([shanghai], nineAm + spread + 30 * 60_000, options)).toEqual([expect.objectContaining({ time: '09:00', late: true })]);
    expect(dueSummarySlots([shanghai], nineAm + spread + 2 * 3_600_000, options)).toEqual([]);
  });

  it('reaches back across local midnight for yesterday\'s late slot', () => {
    const late = { teamId: 't1', objectId: 'o2', times: ['23:30'], timezone: 'UTC' };
    const slots = dueSummarySlots([late], Date.parse('2026-11-25T00:10:00Z'), options);
    expect(slots).toEqual([expect.objectContaining({ date: '2026-11-24', time: '23:30', late: true, notificationId: 'daily/o2/2026-11-24/23:30' })]);
  });

  it('lists several due slots earliest first', () => {
    const utc = { teamId: 't1', objectId: 'o3', times: ['10:00', '09:00'], timezone: 'UTC' };
    const slots = dueSummarySlots([utc], Date.parse('2026-11-24T10:30:00Z'), options);
    expect(slots.map((slot) => slot.time)).toEqual(['09:00', '10:00']);
  });
});

describe('keepDueSlots: the scheduler remembers handed-over slots only while they are due', () => {
  const options = { graceMs: 7_200_000, lateAfterMs: 120_000, minSpreadMs: 0, spreadMs: 0 };
  const schedules = [{ teamId: 't1', objectId: 'o1', times: ['09:00', '18:00'], timezone: 'UTC' }];

  it('forgets a slot once its grace window has passed, and keeps the ones still due', () => {
    const morning = dueSummarySlots(schedules, Date.parse('2026-11-24T09:00:05Z'), options);
    const handedOver = new Set(morning.map((slot) => slot.notificationId));
    expect(handedOver.size).toBe(1);
    keepDueSlots(handedOver, dueSummarySlots(schedules, Date.parse('2026-11-24T10:59:59Z'), options));
    expect(handedOver.size).toBe(1);

    const evening = dueSummarySlots(schedules, Date.parse('2026-11-24T18:00:05Z'), options);
    keepDueSlots(handedOver, evening);
    expect([...handedOver]).toEqual([]);
  });

  it('keeps a week of ticks down to the slots due at the last one', () => {
    const handedOver = new Set<string>();
    for (let hour = 0; hour < 24 * 7; hour++) {
      const due = dueSummarySlots(schedules, Date.parse('2026-11-24T00:00:30Z') + hour * 3_600_000, options);
      keepDueSlots(handedOver, due);
      for (const slot of due) handedOver.add(slot.notificationId);
    }
    expect(handedOver.size).toBeLessThanOrEqual(schedules[0]!.times.length);
  });
});
