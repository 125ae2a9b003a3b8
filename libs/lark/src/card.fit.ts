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
 * them. Card sizes grow about linearly with `shown`, so each step guesses from the bytes per item
 * seen so far and the room left, and a guess that overshoots is followed by a halving step: a
 * handful of layouts instead of the dozen or more that galloping and halving took (each layout is
 * stringified to be measured, most of a large group's card). `build` grows with `shown`, so the
 * answer is that of any search.
 */
function largestFitting<T>(
  build: (shown: number, limits: TextLimits) => T,
  total: number,
  limits: TextLimits,
  maxBytes: number,
): { fitting: FitResult<T> | undefined; all: boolean } {
  const attempt = (shown: number): FitResult<T> & { bytes: number } => {
    const measured = measure(build, shown, limits);
    return { ...measured, fits: measured.bytes <= maxBytes };
  };
  const none = attempt(0);
  if (!none.fits) return { fitting: undefined, all: false };
  let found: FitResult<T> = none;
  let tooMany = total + 1;
  let halveNext = false;
  while (found.shown + 1 < tooMany) {
    let guess: number;
    if (halveNext) {
      guess = Math.floor((found.shown + tooMany) / 2);
    } else {
      const perItem = found.shown > 0 ? (found.bytes - none.bytes) / found.shown : undefined;
      guess = perItem ? found.shown + Math.floor((maxBytes - found.bytes) / perItem) : Math.min(total, 1);
    }
    guess = Math.max(found.shown + 1, Math.min(tooMany - 1, guess));
    const result = attempt(guess);
    if (result.fits) {
      found = result;
      halveNext = false;
    } else {
      tooMany = guess;
      halveNext = true;
    }
  }
  return { fitting: found, all: found.shown === total };
}
