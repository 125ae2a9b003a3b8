import { isGoSpace, Matcher, MatcherParseError, MatchOperator, newMatcher } from './matcher-core';

// Go's `\s` is ASCII-only: [\t\n\f\r ].
const CLASSIC = /^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*([\s\S]*?)[\t\n\f\r ]*$/d;

/**
 * Alertmanager's classic single-matcher parser (pkg/labels, matcher/oldparse): a Prometheus
 * label name, an operator, then a value that may be empty, may hold spaces and commas, and may
 * be double-quoted with the OpenMetrics escapes \" \\ \n (any other backslash is literal).
 * `offset` is where `input` starts in the text the user typed, for error positions.
 */
export function parseMatcherClassic(input: string, offset = 0): Matcher {
  const m = CLASSIC.exec(input);
  if (!m || !m.indices) {
    throw new MatcherParseError(`bad matcher format ${JSON.stringify(input)}`, offset, 'expected label name, operator and value');
  }
  const valueStart = offset + (m.indices[3] as [number, number])[0];
  let raw = m[3] as string;
  const quoted = raw.startsWith('"');
  if (quoted) raw = raw.slice(1);
  let expectTrailingQuote = quoted;
  let escaped = false;
  let value = '';
  const unescapedQuote = (): never => {
    throw new MatcherParseError('unescaped double quote in value', valueStart, 'escape it as \\" or quote the whole value');
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (escaped) {
      escaped = false;
      value += ch === 'n' ? '\n' : ch === '"' || ch === '\\' ? ch : '\\' + ch;
    } else if (ch === '\\') {
      if (i < raw.length - 1) escaped = true;
      else value += '\\';
    } else if (ch === '"') {
      if (!expectTrailingQuote || i < raw.length - 1) unescapedQuote();
      expectTrailingQuote = false;
    } else {
      value += ch;
    }
  }
  if (expectTrailingQuote) unescapedQuote();
  return newMatcher(m[1] as string, m[2] as MatchOperator, value, valueStart);
}

/**
 * The classic list parser: one optional leading `{` and trailing `}` are stripped, the rest is
 * split at commas outside double quotes, and a trailing comma (plus white space) is ignored.
 */
export function parseMatchersClassic(input: string): Matcher[] {
  let body = input;
  let offset = 0;
  if (body.startsWith('{')) {
    body = body.slice(1);
    offset = 1;
  }
  if (body.endsWith('}')) body = body.slice(0, -1);

  const parts: Array<{ text: string; start: number }> = [];
  let insideQuotes = false;
  let escaped = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === ',') {
      if (!insideQuotes) {
        parts.push({ text: body.slice(start, i), start: offset + start });
        start = i + 1;
      }
    } else if (ch === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (ch === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
  }
  // Go trims (Unicode) white space from the last part only, and drops it when empty.
  const last = Array.from(body.slice(start));
  let lead = 0;
  while (lead < last.length && isGoSpace(last[lead] as string)) lead++;
  let tail = last.length;
  while (tail > lead && isGoSpace(last[tail - 1] as string)) tail--;
  if (tail > lead) {
    const skipped = last.slice(0, lead).join('').length;
    parts.push({ text: last.slice(lead, tail).join(''), start: offset + start + skipped });
  }
  return parts.map((part) => parseMatcherClassic(part.text, part.start));
}
