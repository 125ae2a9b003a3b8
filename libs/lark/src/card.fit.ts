/**
 * Size fitting: a webhook body must stay under Lark's 20 KB (LARK.md, "Limits"; 19036 otherwise).
 * The budget leaves room for the `timestamp` and `sign` fields that signing adds (~80 bytes) and a
 * safety margin. Sizes are measured exactly as sent: UTF-8 bytes of JSON.stringify.
 */

export const LARK_BODY_LIMIT_BYTES = 20 * 1024;
/** `,"timestamp":"1700000000","sign":"<44 base64 chars>"` is 78 bytes; rounded up. */
export const SIGNATURE_OVERHEAD_BYTES = 128;
/** Kept free besides the signature, for anything a future field adds. */
export const SIZE_SAFETY_MARGIN_BYTES = 896;
/** Default byte budget of an unsigned card body: 20480 - 128 - 896 = 19456. */
export const DEFAULT_CARD_BYTE_BUDGET = LARK_BODY_LIMIT_BYTES - SIGNATURE_OVERHEAD_BYTES - SIZE_SAFETY_MARGIN_BYTES;

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** How much of each untrusted value a card keeps, in code points. */
export interface TextLimits {
  annotationChars: number;
  labelChars: number;
  /** Longer link targets are dropped rather than cut (a cut URL is a broken link). */
  urlChars: number;
}

/** Tried in order: full detail first, then shorter texts so more alerts fit. */
export const TRUNCATION_LEVELS: readonly TextLimits[] = [
  { annotationChars: 1000, labelChars: 200, urlChars: 2048 },
  { annotationChars: 300, labelChars: 100, urlChars: 1024 },
  { annotationChars: 120, labelChars: 60, urlChars: 512 },
];

export interface FitResult<T> {
  value: T;
  /** How many of the items the value shows (the first `shown` of them). */
  shown: number;
  bytes: number;
  limits: TextLimits;
  /** False only when not even the value without items fits; it is returned anyway. */
  fits: boolean;
}

/**
 * Picks what to show of `total` items so that `build(shown, limits)` stays within `maxBytes`:
 * the first truncation level at which all items fit; otherwise the level showing the most items
 * (the earlier on a tie), with as many items as fit there. `build` must grow with `shown`.
 */
export function fitCard<T>(
  total: number,
  build: (shown: number, limits: TextLimits) => T,
  maxBytes: number = DEFAULT_CARD_BYTE_BUDGET,
  levels: readonly TextLimits[] = TRUNCATION_LEVELS,
): FitResult<T> {
  if (levels.length === 0) throw new RangeError('fitCard needs at least one truncation level');
  let best: FitResult<T> | undefined;
  for (const limits of levels) {
    const { fitting, all } = largestFitting(build, total, limits, maxBytes);
    if (all) return fitting!;
    if (fitting && fitting.shown > 0 && (!best || fitting.shown > best.shown)) best = fitting;
  }
  if (best) return best;
  const last = levels[levels.length - 1]!;
  const empty = measure(build, 0, last);
  return { ...empty, fits: empty.bytes <= maxBytes };
}

function measure<T>(build: (shown: number, limits: TextLimits) => T, shown: number, limits: TextLimits) {
  const value = build(shown, limits);
  return { value, shown, bytes: jsonBytes(value), limits };
}

/**
 * The largest `shown` in [0, total] that fits (undefined if none does), and whether that is all of
 * them. It gallops up from 1 (1, 2, 4, …) and then halves the last gap, so it renders cards of about
 * the size that fits rather than of every item: a 500-alert group used to be rendered whole first,
 * 22 ms a card. `build` grows with `shown`, so the answer is the same.
 */
function largestFitting<T>(
  build: (shown: number, limits: TextLimits) => T,
  total: number,
  limits: TextLimits,
  maxBytes: number,
): { fitting: FitResult<T> | undefined; all: boolean } {
  const attempt = (shown: number): FitResult<T> | undefined => {
    const measured = measure(build, shown, limits);
    return measured.bytes <= maxBytes ? { ...measured, fits: true } : undefined;
  };
  if (total === 0) {
    const none = attempt(0);
    return { fitting: none, all: none !== undefined };
  }
  let found: FitResult<T> | undefined;
  let tooMany = total + 1;
  for (let shown = 1; ; shown = Math.min(total, shown * 2)) {
    const fit = attempt(shown);
    if (!fit) {
      tooMany = shown;
      break;
    }
    found = fit;
    if (shown === total) return { fitting: found, all: true };
  }
  if (!found) return { fitting: attempt(0), all: false };
  let lo = found.shown + 1;
  let hi = tooMany - 1;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const fit = attempt(mid);
    if (fit) {
      found = fit;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return { fitting: found, all: false };
}
