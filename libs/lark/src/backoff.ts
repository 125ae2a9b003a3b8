export interface BackoffOptions {
  /** Cap of the first retry's delay. */
  baseMs: number;
  /** Largest cap, however many attempts. */
  maxMs: number;
  /** Uniform in [0, 1); pass a seeded one for determinism. Defaults to Math.random. */
  random?: () => number;
  /** Lowest delay returned (e.g. to never retry a rate-limited bot at once). Defaults to 0. */
  minMs?: number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [minMs, min(maxMs, baseMs * 2^(attempt-1))).
 * `attempt` is 1 for the first retry; values below 1 count as 1. Pure when `random` is given.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const { baseMs, maxMs } = options;
  const random = options.random ?? Math.random;
  const minMs = Math.max(0, options.minMs ?? 0);
  const step = Math.min(Math.max(1, Math.floor(Number.isFinite(attempt) ? attempt : 1)), 53);
  const cap = Math.max(minMs, Math.min(Math.max(0, maxMs), Math.max(0, baseMs) * 2 ** (step - 1)));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(cap, Math.floor(minMs + r * (cap - minMs)));
}
