import { dailyCounts, dailyCountsForDays, type CountedCard, type CountedNotice } from './daily-counts';

let noticeSeq = 0;
/** A notice of alert `fp` (alertname = fp's first part, e.g. `Disk/a` → Disk). */
const notice = (fp: string, status: 'firing' | 'resolved', at: string, overrides: Partial<CountedNotice> = {}): CountedNotice => ({
  _id: `n${++noticeSeq}/${fp}`,
  fingerprint: fp,
  alertname: fp.split('/')[0]!,
  severity: 'warning',
  status,
  at: new Date(at),
  ...overrides,
});

let cardSeq = 0;
const card = (notificationId: string, outcome: CountedCard['outcome'], at: string, digestId?: string): CountedCard => ({
  _id: `d${++cardSeq}`,
  notificationId,
  requestId: digestId ?? notificationId,
  outcome,
  at: new Date(at),
});

const NOW = new Date('2030-01-01T00:00:00Z');
const core = (counts: ReturnType<typeof dailyCounts>) => ({ total: counts.total, resolved: counts.resolved, unresolved: counts.unresolved, cardsSent: counts.cardsSent, cardsFailed: counts.cardsFailed });

describe('dailyCounts: which alerts a day counts', () => {
  interface Case {
    name: string;
    notices: CountedNotice[];
    date: string;
    timezone: string;
    asOf?: string;
    expected: { total: number; resolved: number };
  }
  const cases: Case[] = [
    {
      name: 'distinct alerts: repeat notifications of one alert count once',
      notices: [notice('Disk/a', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/a', 'firing', '2026-11-24T05:00:00Z'), notice('Disk/b', 'firing', '2026-11-24T09:00:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      expected: { total: 2, resolved: 0 },
    },
    {
      name: 'resolved by a later notification',
      notices: [notice('Disk/a', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/a', 'resolved', '2026-11-24T02:00:00Z'), notice('Disk/b', 'firing', '2026-11-24T03:00:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      expected: { total: 2, resolved: 1 },
    },
    {
      name: 'resolved before asOf counts, resolved after asOf does not',
      notices: [notice('Disk/a', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/a', 'resolved', '2026-11-24T08:00:00Z'), notice('Disk/b', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/b', 'resolved', '2026-11-24T10:00:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      asOf: '2026-11-24T09:00:00Z',
      expected: { total: 2, resolved: 1 },
    },
    {
      name: 'asOf exactly at the resolving notification counts it',
      notices: [notice('Disk/a', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/a', 'resolved', '2026-11-24T08:00:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      asOf: '2026-11-24T08:00:00Z',
      expected: { total: 1, resolved: 1 },
    },
    {
      name: 'an alert firing only after asOf is not counted yet',
      notices: [notice('Disk/a', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/b', 'firing', '2026-11-24T12:00:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      asOf: '2026-11-24T09:00:00Z',
      expected: { total: 1, resolved: 0 },
    },
    {
      name: 'resolved the next day still counts for the day it fired (asOf later)',
      notices: [notice('Disk/a', 'firing', '2026-11-24T23:50:00Z'), notice('Disk/a', 'resolved', '2026-11-25T00:10:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      expected: { total: 1, resolved: 1 },
    },
    {
      name: 'a resolved notification alone (fired the day before) is not counted',
      notices: [notice('Disk/a', 'firing', '2026-11-23T23:50:00Z'), notice('Disk/a', 'resolved', '2026-11-24T00:10:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      expected: { total: 0, resolved: 0 },
    },
    {
      name: 'fired, resolved, fired again and still firing: unresolved',
      notices: [notice('Disk/a', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/a', 'resolved', '2026-11-24T02:00:00Z'), notice('Disk/a', 'firing', '2026-11-24T03:00:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      expected: { total: 1, resolved: 0 },
    },
    {
      name: 'fired and resolved in the same instant (two policies): resolved wins whatever the order',
      notices: [notice('Disk/a', 'resolved', '2026-11-24T02:00:00Z'), notice('Disk/a', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/a', 'firing', '2026-11-24T02:00:00Z')],
      date: '2026-11-24',
      timezone: 'UTC',
      expected: { total: 1, resolved: 1 },
    },
    {
      name: 'the local day, not the UTC day: 23:30 UTC is the next day in Shanghai',
      notices: [notice('Disk/a', 'firing', '2026-11-23T16:30:00Z'), notice('Disk/b', 'firing', '2026-11-24T15:59:59Z'), notice('Disk/c', 'firing', '2026-11-24T16:00:00Z')],
      date: '2026-11-24',
      timezone: 'Asia/Shanghai',
      expected: { total: 2, resolved: 0 },
    },
    {
      name: 'Berlin, clocks forward (23 h): 22:30 UTC is already the next day',
      notices: [notice('Disk/a', 'firing', '2026-03-28T23:00:00Z'), notice('Disk/b', 'firing', '2026-03-29T21:59:59Z'), notice('Disk/c', 'firing', '2026-03-29T22:30:00Z')],
      date: '2026-03-29',
      timezone: 'Europe/Berlin',
      expected: { total: 2, resolved: 0 },
    },
    {
      name: 'Berlin, clocks back (25 h): 22:30 UTC is still the same day',
      notices: [notice('Disk/a', 'firing', '2026-10-24T21:59:59Z'), notice('Disk/b', 'firing', '2026-10-24T22:00:00Z'), notice('Disk/c', 'firing', '2026-10-25T22:30:00Z'), notice('Disk/d', 'firing', '2026-10-25T23:00:00Z')],
      date: '2026-10-25',
      timezone: 'Europe/Berlin',
      expected: { total: 2, resolved: 0 },
    },
    {
      name: 'New York, clocks forward (23 h)',
      notices: [notice('Disk/a', 'firing', '2026-03-08T04:59:59Z'), notice('Disk/b', 'firing', '2026-03-08T05:00:00Z'), notice('Disk/c', 'firing', '2026-03-09T03:59:59Z'), notice('Disk/d', 'firing', '2026-03-09T04:00:00Z')],
      date: '2026-03-08',
      timezone: 'America/New_York',
      expected: { total: 2, resolved: 0 },
    },
    {
      name: 'New York, clocks back (25 h): the repeated 01:xx hour is one day',
      notices: [notice('Disk/a', 'firing', '2026-11-01T05:30:00Z'), notice('Disk/b', 'firing', '2026-11-01T06:30:00Z'), notice('Disk/c', 'firing', '2026-11-02T04:59:59Z'), notice('Disk/d', 'firing', '2026-11-02T05:00:00Z')],
      date: '2026-11-01',
      timezone: 'America/New_York',
      expected: { total: 3, resolved: 0 },
    },
  ];

  it.each(cases)('$name', ({ notices, date, timezone, asOf, expected }) => {
    const counts = dailyCounts(notices, [], { date, timezone, asOf: asOf ? new Date(asOf) : NOW });
    expect({ total: counts.total, resolved: counts.resolved }).toEqual(expected);
    expect(counts.unresolved).toBe(expected.total - expected.resolved);
    expect(counts.date).toBe(date);
    expect(counts.timezone).toBe(timezone);
  });
});

describe('dailyCounts: an alert firing across midnight', () => {
  // Fires 23:50 on the 24th, repeated at 03:50 on the 25th, resolved 05:00 on the 25th.
  const rows = [notice('Disk/a', 'firing', '2026-11-24T23:50:00Z'), notice('Disk/a', 'firing', '2026-11-25T03:50:00Z'), notice('Disk/a', 'resolved', '2026-11-25T05:00:00Z')];

  it.each([
    ['2026-11-24T23:59:00Z', [{ total: 1, resolved: 0 }, { total: 0, resolved: 0 }]],
    ['2026-11-25T04:00:00Z', [{ total: 1, resolved: 0 }, { total: 1, resolved: 0 }]],
    ['2026-11-25T06:00:00Z', [{ total: 1, resolved: 1 }, { total: 1, resolved: 1 }]],
  ])('as of %s: both days as expected', (asOf, expected) => {
    const days = dailyCountsForDays(rows, [], { dates: ['2026-11-24', '2026-11-25'], timezone: 'UTC', asOf: new Date(asOf) });
    expect(days.map((day) => ({ total: day.total, resolved: day.resolved }))).toEqual(expected);
  });

  it('in a zone where both notifications fall on one local day, it is one alert of that day', () => {
    const [day] = dailyCountsForDays(rows, [], { dates: ['2026-11-25'], timezone: 'Asia/Shanghai', asOf: NOW });
    expect(core(day!)).toEqual({ total: 1, resolved: 1, unresolved: 0, cardsSent: 0, cardsFailed: 0 });
  });
});

describe('dailyCounts: cards', () => {
  it.each([
    {
      name: 'one card per delivered request: a digest of three notifications is one card',
      cards: [card('n1', 'delivered', '2026-11-24T10:00:00Z', 'dg1'), card('n2', 'delivered', '2026-11-24T10:00:00Z', 'dg1'), card('n3', 'delivered', '2026-11-24T10:00:00Z', 'dg1'), card('n4', 'delivered', '2026-11-24T11:00:00Z')],
      expected: { cardsSent: 2, cardsFailed: 0 },
    },
    {
      name: 'failed and dead-lettered count distinct notifications',
      cards: [card('n1', 'failed', '2026-11-24T10:00:00Z'), card('n1', 'dead-lettered', '2026-11-24T10:05:00Z'), card('n2', 'dead-lettered', '2026-11-24T10:00:00Z', 'dg1'), card('n3', 'dead-lettered', '2026-11-24T10:00:00Z', 'dg1')],
      expected: { cardsSent: 0, cardsFailed: 3 },
    },
    {
      name: 'attempts outside the day or after asOf are left out',
      cards: [card('n1', 'delivered', '2026-11-23T23:59:59Z'), card('n2', 'delivered', '2026-11-24T00:00:00Z'), card('n3', 'delivered', '2026-11-24T20:00:00Z'), card('n4', 'failed', '2026-11-24T21:00:00Z')],
      asOf: '2026-11-24T12:00:00Z',
      expected: { cardsSent: 1, cardsFailed: 0 },
    },
  ])('$name', ({ cards, asOf, expected }) => {
    const counts = dailyCounts([], cards, { date: '2026-11-24', timezone: 'UTC', asOf: asOf ? new Date(asOf) : NOW });
    expect({ cardsSent: counts.cardsSent, cardsFailed: counts.cardsFailed }).toEqual(expected);
  });
});

describe('dailyCounts: severities and alertnames', () => {
  it('counts alerts by severity (missing: none) and the top 10 alertnames, most first, ties by name', () => {
    const rows = [
      ...Array.from({ length: 12 }, (_, index) => notice(`Name${String(index).padStart(2, '0')}/x`, 'firing', '2026-11-24T01:00:00Z', { severity: 'info' })),
      notice('Name05/y', 'firing', '2026-11-24T02:00:00Z', { severity: 'critical' }),
      notice('Name07/y', 'firing', '2026-11-24T02:00:00Z', { severity: 'critical' }),
      notice('Name07/z', 'firing', '2026-11-24T02:00:00Z', { severity: 'none' }),
    ];
    const counts = dailyCounts(rows, [], { date: '2026-11-24', timezone: 'UTC', asOf: NOW });
    expect(counts.total).toBe(15);
    expect(counts.bySeverity).toEqual([
      { severity: 'info', count: 12 },
      { severity: 'critical', count: 2 },
      { severity: 'none', count: 1 },
    ]);
    expect(counts.topAlertnames).toHaveLength(10);
    expect(counts.topAlertnames.slice(0, 4)).toEqual([
      { alertname: 'Name07', count: 3 },
      { alertname: 'Name05', count: 2 },
      { alertname: 'Name00', count: 1 },
      { alertname: 'Name01', count: 1 },
    ]);
  });
});

describe('dailyCounts: idempotent by row id', () => {
  it('redelivered rows (same _id, any order) change nothing', () => {
    const notices = [notice('Disk/a', 'firing', '2026-11-24T01:00:00Z'), notice('Disk/a', 'resolved', '2026-11-24T02:00:00Z'), notice('Down/b', 'firing', '2026-11-24T03:00:00Z', { severity: 'critical' })];
    const cards = [card('n1', 'delivered', '2026-11-24T01:00:01Z'), card('n2', 'failed', '2026-11-24T03:00:01Z')];
    const options = { date: '2026-11-24', timezone: 'UTC', asOf: NOW };
    const once = dailyCounts(notices, cards, options);
    const twice = dailyCounts([...notices, ...[...notices].reverse()], [...cards, ...cards], options);
    expect(twice).toEqual(once);
    expect(core(once)).toEqual({ total: 2, resolved: 1, unresolved: 1, cardsSent: 1, cardsFailed: 1 });
  });

  it('a quiet day is all zeros, in the contract shape', () => {
    expect(dailyCounts([], [], { date: '2026-11-24', timezone: 'Europe/Berlin', asOf: NOW })).toEqual({
      date: '2026-11-24',
      timezone: 'Europe/Berlin',
      total: 0,
      resolved: 0,
      unresolved: 0,
      bySeverity: [],
      topAlertnames: [],
      cardsSent: 0,
      cardsFailed: 0,
    });
  });

  it('several days in one pass agree with one day at a time, in the order asked', () => {
    const notices = [notice('A/1', 'firing', '2026-11-23T10:00:00Z'), notice('A/1', 'firing', '2026-11-24T10:00:00Z'), notice('B/2', 'firing', '2026-11-25T10:00:00Z'), notice('B/2', 'resolved', '2026-11-25T11:00:00Z')];
    const cards = [card('n1', 'delivered', '2026-11-23T10:00:01Z'), card('n2', 'delivered', '2026-11-25T10:00:01Z')];
    const dates = ['2026-11-25', '2026-11-23', '2026-11-24'];
    const together = dailyCountsForDays(notices, cards, { dates, timezone: 'UTC', asOf: NOW });
    expect(together).toEqual(dates.map((date) => dailyCounts(notices, cards, { date, timezone: 'UTC', asOf: NOW })));
    expect(together.map((day) => day.date)).toEqual(dates);
  });
});
