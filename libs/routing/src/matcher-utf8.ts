import { Matcher, MatcherParseError, MatchOperator, newMatcher } from './matcher-core';
import { describeToken, Token, tokenize, unquoteGo } from './matcher-lexer';

const OPERATORS: ReadonlySet<string> = new Set(['=', '!=', '=~', '!~']);

/**
 * Alertmanager's UTF-8 matchers grammar (v0.25+, matcher/parse):
 *   input   = [ "{" ] [ matcher { "," matcher } [ "," ] ] [ "}" ]   (braces in pairs)
 *   matcher = text op text ;  op = "=" | "!=" | "=~" | "!~" ;  text = quoted | unquoted
 * Empty input and `{}` hold no matchers.
 */
export function parseMatchersUtf8(input: string): Matcher[] {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token => tokens[pos] as Token;
  const next = (): Token => tokens[pos++] as Token;
  const unexpected = (t: Token, expected: string): never => {
    throw new MatcherParseError(`unexpected ${describeToken(t)}`, t.start, expected);
  };
  const text = (t: Token): string => (t.kind === 'quoted' ? unquoteGo(t) : t.text);

  const matchers: Matcher[] = [];
  const hasOpenBrace = peek().kind === '{';
  if (hasOpenBrace) next();

  let expectMatcher = peek().kind !== 'eof' && peek().kind !== '}';
  while (expectMatcher) {
    const name = next();
    if (name.kind !== 'quoted' && name.kind !== 'unquoted') unexpected(name, 'expected a label name');
    const op = next();
    if (!OPERATORS.has(op.kind)) unexpected(op, "expected an operator such as '=', '!=', '=~' or '!~'");
    const value = next();
    if (value.kind !== 'quoted' && value.kind !== 'unquoted') unexpected(value, 'expected a label value');
    const labelName = text(name);
    if (labelName === '') throw new MatcherParseError('empty label name', name.start, 'expected a non-empty label name');
    matchers.push(newMatcher(labelName, op.kind as MatchOperator, text(value), value.start));

    const after = peek();
    if (after.kind === ',') {
      next();
      const following = peek().kind;
      if (following === 'quoted' || following === 'unquoted') continue;
      if (following !== 'eof' && following !== '}') unexpected(peek(), 'expected a matcher or close brace after comma');
    } else if (after.kind !== 'eof' && after.kind !== '}') {
      unexpected(after, 'expected a comma or close brace');
    }
    expectMatcher = false;
  }

  const close = peek();
  if (hasOpenBrace) {
    if (close.kind !== '}') unexpected(close, "expected a close brace '}'");
    next();
  } else if (close.kind === '}') {
    throw new MatcherParseError("unexpected '}'", close.start, "expected an opening brace '{' before it");
  }
  if (peek().kind !== 'eof') unexpected(peek(), 'expected end of input');
  return matchers;
}
