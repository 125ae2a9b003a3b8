import { DurationParseError, formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['0s', 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['2h0m1s', 7_201_000],
    ['1m30s500ms', 90_500],
    ['90m', 5_400_000],
    ['007s', 7_000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each<[string, string]>([
    ['', 'empty duration string'],
    ['5', 'missing unit after "5"'],
    ['1.5h', 'missing unit after "1"'],
    ['-5m', 'expected a number at position 0'],
    [' 5m', 'expected a number at position 0'],
    ['5m ', 'expected a number at position 2'],
    ['1h 30m', 'expected a number at position 2'],
    ['5x', 'unknown unit "x"'],
    ['5M', 'unknown unit "M"'],
    ['5us', 'unknown unit "us"'],
    ['30m1h', 'from largest to smallest'],
    ['1h1h', 'from largest to smallest'],
    ['m', 'expected a number at position 0'],
    ['300y', 'out of range'],
    ['99999999999999999999s', 'out of range'],
  ])('refuses %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(DurationParseError);
    expect(() => parseDuration(text)).toThrow(message);
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [500, '500ms'],
    [5_400_000, '1h30m'],
    [90_500, '1m30s500ms'],
    [691_200_000, '1w1d'],
  ])('%d ms = %s, and parses back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
