import { AnchoredRegex, compileAnchoredRegex, RegexSyntaxError } from './re2';

export type MatchOperator = '=' | '!=' | '=~' | '!~';

interface MatcherBase {
  readonly name: string;
  readonly value: string;
}

export interface EqualityMatcher extends MatcherBase {
  readonly operator: '=' | '!=';
  readonly regex?: undefined;
}

/** `regex` is the value compiled once (RE2, linear time), anchored as `^(?:value)$`. */
export interface RegexMatcher extends MatcherBase {
  readonly operator: '=~' | '!~';
  readonly regex: AnchoredRegex;
}

/** One Alertmanager label matcher; build it with newMatcher or a parser. */
export type Matcher = EqualityMatcher | RegexMatcher;

/** A matcher that could not be parsed; `position` is a 0-based index into the input string. */
export class MatcherParseError extends Error {
  override readonly name = 'MatcherParseError';

  constructor(
    /** What went wrong, without the position, e.g. `unexpected end of input`. */
    readonly reason: string,
    readonly position: number,
    /** What the parser wanted instead, e.g. `expected a label value`; may be empty. */
    readonly expected = '',
  ) {
    super(`${reason} at position ${position}${expected ? `: ${expected}` : ''}`);
  }
}

/**
 * Builds a matcher, compiling the regex of `=~`/`!~` once. A bad regex throws a
 * MatcherParseError at `position` (the start of the value in the parsed input).
 */
export function newMatcher(name: string, operator: MatchOperator, value: string, position = 0): Matcher {
  if (name === '') throw new MatcherParseError('empty label name', position, 'expected a non-empty label name');
  if (operator === '=' || operator === '!=') return Object.freeze({ name, operator, value });
  try {
    return Object.freeze({ name, operator, value, regex: compileAnchoredRegex(value) });
  } catch (error) {
    if (error instanceof RegexSyntaxError) {
      throw new MatcherParseError(`invalid regular expression ${JSON.stringify(value)}`, position, error.message);
    }
    throw error;
  }
}

export function sameMatchers(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => {
      const o = b[i] as Matcher;
      return m.name === o.name && m.operator === o.operator && m.value === o.value;
    })
  );
}

/** Go's unicode.IsSpace: the Unicode White_Space property. */
export function isGoSpace(ch: string): boolean {
  return /^\p{White_Space}$/u.test(ch);
}
