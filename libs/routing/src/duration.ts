/** A duration string that is not a valid Prometheus/Alertmanager duration. */
export class DurationParseError extends Error {
  override readonly name = 'DurationParseError';
}

const UNITS: ReadonlyArray<readonly [unit: string, ms: number]> = [
  ['y', 365 * 24 * 60 * 60 * 1000],
  ['w', 7 * 24 * 60 * 60 * 1000],
  ['d', 24 * 60 * 60 * 1000],
  ['h', 60 * 60 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

/** Go's time.Duration tops out at 2^63-1 ns, about 292 years; Prometheus refuses longer. */
const MAX_MS = 9_223_372_036_854;

/**
 * Parses a Prometheus/Alertmanager duration (`30s`, `5m`, `4h`, `1h30m`, `1d`, `1w`, `1y`,
 * `500ms`, or `0`) to milliseconds, as prometheus/common's model.ParseDuration does: whole
 * numbers only, each unit at most once and from the largest to the smallest (`30m1h` is
 * refused), y = 365d, w = 7d, d = 24h.
 */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new DurationParseError('empty duration string: expected a duration like 30s, 5m or 4h');
  const bad = (why: string): never => {
    throw new DurationParseError(`invalid duration ${JSON.stringify(text)}: ${why}`);
  };
  const part = /(\d+)([a-zA-Z]*)/y;
  let total = 0;
  let lastRank = -1;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) bad(`expected a number at position ${at}`);
    const [whole, digits, unit] = m as unknown as [string, string, string];
    if (unit === '') bad(`missing unit after "${digits}", expected one of y, w, d, h, m, s, ms`);
    const rank = UNITS.findIndex(([u]) => u === unit);
    if (rank < 0) bad(`unknown unit "${unit}", expected one of y, w, d, h, m, s, ms`);
    if (rank <= lastRank) bad('units must appear once each, from largest to smallest (e.g. 1h30m)');
    lastRank = rank;
    total += Number(digits) * (UNITS[rank] as readonly [string, number])[1];
    if (!(total <= MAX_MS)) bad('duration out of range');
    at += whole.length;
  }
  return total;
}

/** Formats milliseconds the way Prometheus prints durations: `1h30m`, `500ms`, `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`not a whole, non-negative number of milliseconds: ${ms}`);
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
