import type { LabelPair } from '@alertlark/contracts';
import { Matcher, MatcherParseError, sameMatchers } from './matcher-core';
import { parseMatcherClassic, parseMatchersClassic } from './matcher-classic';
import { parseMatchersUtf8 } from './matcher-utf8';

export { MatcherParseError, newMatcher } from './matcher-core';
export type { EqualityMatcher, Matcher, MatchOperator, RegexMatcher } from './matcher-core';

/**
 * Which Alertmanager parser to mirror (its `--enable-feature` flags):
 * - `fallback` (default, as Alertmanager 0.27+ runs without flags): the UTF-8 parser, falling
 *   back to the classic one when only the classic one accepts the input, and preferring the
 *   classic result when both accept it but disagree (e.g. `"a\tb"`);
 * - `utf8` (`utf8-strict-mode`): the UTF-8 parser only;
 * - `classic` (`classic-mode`): the classic parser only.
 * When every parser used rejects the input, the error is the UTF-8 parser's (it knows where).
 */
export type MatcherParseMode = 'fallback' | 'utf8' | 'classic';

export interface MatcherParseOptions {
  mode?: MatcherParseMode;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: MatcherParseError };

function attempt<T>(parse: () => T): Attempt<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof MatcherParseError) return { ok: false, error };
    throw error;
  }
}

function combine(mode: MatcherParseMode, utf8: () => Matcher[], classic: () => Matcher[]): Matcher[] {
  if (mode === 'utf8') return utf8();
  if (mode === 'classic') return classic();
  const u = attempt(utf8);
  const c = attempt(classic);
  if (u.ok) return c.ok && !sameMatchers(u.value, c.value) ? c.value : u.value;
  if (c.ok) return c.value;
  throw u.error;
}

/**
 * Parses a list of matchers such as `{a="1", b=~"x|y"}` or `a=1,b!=2` (braces optional,
 * trailing comma allowed). Empty input and `{}` give an empty list. This is how Alertmanager
 * reads each entry of a route's `matchers:`.
 */
export function parseMatchers(input: string, options: MatcherParseOptions = {}): Matcher[] {
  return combine(options.mode ?? 'fallback', () => parseMatchersUtf8(input), () => parseMatchersClassic(input));
}

/**
 * Parses exactly one matcher, e.g. `severity=~"critical|warning"`. As in Alertmanager, braces
 * are refused here; use parseMatchers for a brace list.
 */
export function parseMatcher(input: string, options: MatcherParseOptions = {}): Matcher {
  const mode = options.mode ?? 'fallback';
  if (mode !== 'classic' && (input.startsWith('{') || input.endsWith('}'))) {
    const at = input.startsWith('{') ? 0 : input.length - 1;
    throw new MatcherParseError(`unexpected '${input[at]}'`, at, 'a single matcher takes no braces; use parseMatchers for a list');
  }
  const one = (): Matcher[] => {
    const list = parseMatchersUtf8(input);
    if (list.length === 1) return list;
    const reason = list.length === 0 ? 'no matcher' : `${list.length} matchers`;
    throw new MatcherParseError(`found ${reason}`, list.length === 0 ? input.length : 0, 'expected exactly one matcher');
  };
  return combine(mode, one, () => [parseMatcherClassic(input)])[0] as Matcher;
}

const CLASSIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Formats a matcher so every parser mode reads it back unchanged: the value is always
 * double-quoted (escaping \\, \" and newline), the name only when it is not a classic label name.
 */
export function formatMatcher(m: Matcher): string {
  return `${CLASSIC_NAME.test(m.name) ? m.name : quote(m.name)}${m.operator}${quote(m.value)}`;
}

/** Formats a list as `{a="1", b=~"x|y"}`. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map(formatMatcher).join(', ')}}`;
}

/** Whether the labels satisfy the matcher; a missing label has the empty value, as in Alertmanager. */
export function matches(matcher: Matcher, labels: readonly LabelPair[]): boolean {
  const value = labels.find((label) => label.name === matcher.name)?.value ?? '';
  switch (matcher.operator) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return matcher.regex.test(value);
    case '!~':
      return !matcher.regex.test(value);
  }
}

/** Whether the labels satisfy every matcher; an empty list matches everything. */
export function matchesAll(matchers: readonly Matcher[], labels: readonly LabelPair[]): boolean {
  return matchers.every((m) => matches(m, labels));
}
