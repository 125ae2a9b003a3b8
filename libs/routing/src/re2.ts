import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/**
 * User regexes (matchers, the rule form, silences, inhibition) run on re2js, a port of Go's
 * `regexp` package: the syntax and semantics Alertmanager has (`(?i)`, `\s`, `.` vs `\n`, POSIX
 * classes, no look-arounds or back-references), and matching in time linear in the value, so a
 * pattern like `(a+)+b` cannot stall the router the way a backtracking engine would.
 */
export class RegexSyntaxError extends Error {
  override readonly name = 'RegexSyntaxError';
}

/** A compiled matcher regex: `test` is true when the pattern matches the whole value. */
export class AnchoredRegex {
  /** The pattern as Alertmanager compiles it, `^(?:pattern)$`. */
  readonly source: string;
  // Private so that logging, JSON or deep equality of a matcher sees only `source`.
  readonly #re: RE2JS;

  constructor(re: RE2JS, pattern: string) {
    this.#re = re;
    this.source = `^(?:${pattern})$`;
  }

  test(value: string): boolean {
    // testExact anchors at both ends without capture groups, which keeps re2js on its DFA.
    return this.#re.testExact(value);
  }
}

/**
 * Compiles a matcher regex the way Alertmanager does, anchored as `^(?:pattern)$`; compile once
 * per configuration, not per alert. Throws RegexSyntaxError with Go's description of the problem.
 *
 * One deliberate difference: the pattern must be valid on its own. Alertmanager pastes it into
 * `^(?:…)$` as text, so it also accepts `a)|(b` (the stray parentheses close and reopen its
 * wrapper); that is a typo, not an intent, and is refused here as `unexpected )`.
 */
export function compileAnchoredRegex(pattern: string): AnchoredRegex {
  try {
    return new AnchoredRegex(RE2JS.compile(pattern), pattern);
  } catch (error) {
    if (error instanceof RE2JSException) throw new RegexSyntaxError(describe(error));
    throw error;
  }
}

/** Go's message (`missing closing ): \`(bar\``) without its prefix, plus a hint for Perl-only syntax. */
function describe(error: RE2JSException): string {
  const message = error.message.replace(/^error parsing regexp: /, '');
  if (!(error instanceof RE2JSSyntaxException)) return message;
  const fragment = error.getPattern() ?? '';
  if (/^\(\?(=|!|<=|<!)/.test(fragment)) return `${message} (look-around assertions are not supported by RE2)`;
  if (/^\\[1-9]/.test(fragment)) return `${message} (back-references are not supported by RE2)`;
  return message;
}
