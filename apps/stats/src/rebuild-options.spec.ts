import { parseRebuildArgs } from './rebuild-options';

describe('parseRebuildArgs', () => {
  it.each([
    [[], { kind: 'run', options: {} }],
    [['--database', 'alertlark_rebuilt'], { kind: 'run', options: { database: 'alertlark_rebuilt' } }],
    [['--database=stats-check-2'], { kind: 'run', options: { database: 'stats-check-2' } }],
    [['--help'], { kind: 'help' }],
  ])('%j', (args, expected) => {
    expect(parseRebuildArgs(args)).toEqual(expected);
  });

  it.each([
    [['--database', 'a.b'], '--database must be 1-63 letters, digits, "_" or "-"; got "a.b"'],
    [['--database', ''], '--database must be 1-63 letters, digits, "_" or "-"; got ""'],
    [['--databse', 'x'], "Unknown option '--databse'"],
    [['extra'], 'extra'],
  ])('%j is refused', (args, message) => {
    const parsed = parseRebuildArgs(args);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toContain(message);
  });
});
