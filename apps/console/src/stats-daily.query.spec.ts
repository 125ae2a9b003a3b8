import { parseDailyStatsQuery, resolveDailyRange } from './stats-daily.query';

const issuesOf = (query: unknown) => {
  const parsed = parseDailyStatsQuery(query);
  if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.value)}`);
  return parsed.issues;
};

describe('parseDailyStatsQuery', () => {
  it('takes the chatbot and optional dates', () => {
    expect(parseDailyStatsQuery({ objectId: ' nobj_1 ' })).toEqual({ ok: true, value: { objectId: 'nobj_1' } });
    expect(parseDailyStatsQuery({ objectId: 'nobj_1', from: '2026-11-01', to: '2026-11-24' })).toEqual({ ok: true, value: { objectId: 'nobj_1', from: '2026-11-01', to: '2026-11-24' } });
  });

  it.each([
    [{}, 'objectId', 'required: the notification object (chatbot) id'],
    [{ objectId: '' }, 'objectId', 'required: the notification object (chatbot) id'],
    [{ objectId: ['a', 'b'] }, 'objectId', 'must be given once'],
    [{ objectId: 'o', from: '2026-13-01' }, 'from', '"2026-13-01" is not a date (YYYY-MM-DD)'],
    [{ objectId: 'o', to: '2026-02-30' }, 'to', '"2026-02-30" is not a date (YYYY-MM-DD)'],
    [{ objectId: 'o', to: 'today' }, 'to', '"today" is not a date (YYYY-MM-DD)'],
    [{ objectId: 'o', days: '7' }, 'days', 'unknown parameter; use objectId, from, to'],
  ])('%j: 400 naming %s', (query, path, message) => {
    expect(issuesOf(query)).toEqual([{ path, message }]);
  });
});

describe('resolveDailyRange', () => {
  const today = '2026-11-24';

  it.each([
    [{}, { from: '2026-11-11', to: '2026-11-24' }],
    [{ to: '2026-11-05' }, { from: '2026-10-23', to: '2026-11-05' }],
    [{ from: '2026-11-20' }, { from: '2026-11-20', to: '2026-11-24' }],
    [{ from: '2026-11-24', to: '2026-11-24' }, { from: '2026-11-24', to: '2026-11-24' }],
    [{ from: '2026-08-25', to: '2026-11-24' }, { from: '2026-08-25', to: '2026-11-24' }],
  ])('%j → %j', (query, expected) => {
    expect(resolveDailyRange(query, today)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [{ from: '2026-11-25', to: '2026-11-24' }, 'from', '"2026-11-25" is after to ("2026-11-24")'],
    [{ from: '2026-11-25' }, 'from', '"2026-11-25" is after to ("2026-11-24")'],
    [{ from: '2026-08-24', to: '2026-11-24' }, 'from', '"2026-08-24".."2026-11-24" is 93 days; at most 92'],
    [{ from: '2025-01-01' }, 'from', '"2025-01-01".."2026-11-24" is 693 days; at most 92'],
  ])('%j: 400 naming %s', (query, path, message) => {
    expect(resolveDailyRange(query, today)).toEqual({ ok: false, issues: [{ path, message }] });
  });
});
