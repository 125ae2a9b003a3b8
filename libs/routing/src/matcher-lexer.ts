import { isGoSpace, MatcherParseError } from './matcher-core';

/** Tokens of Alertmanager's UTF-8 matchers grammar (matcher/parse). */
export type TokenKind = '{' | '}' | ',' | '=' | '!=' | '=~' | '!~' | 'quoted' | 'unquoted' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token exactly as written, quotes and escapes included. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Characters that end an unquoted token (besides white space). */
const RESERVED = new Set(['{', '}', '!', '=', '~', ',', '\\', '"', "'", '`']);

export function describeToken(t: Token): string {
  return t.kind === 'eof' ? 'end of input' : `'${t.text}'`;
}

/** Splits matcher input into tokens; throws MatcherParseError on a character no token may hold. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (j: number): string => String.fromCodePoint(input.codePointAt(j) as number);
  const push = (kind: TokenKind, start: number, end: number) => tokens.push({ kind, text: input.slice(start, end), start, end });

  while (i < input.length) {
    const ch = at(i);
    if (isGoSpace(ch)) {
      i += ch.length;
    } else if (ch === '{' || ch === '}' || ch === ',') {
      push(ch, i, i + 1);
      i++;
    } else if (ch === '=') {
      const kind = input[i + 1] === '~' ? '=~' : '=';
      push(kind, i, i + kind.length);
      i += kind.length;
    } else if (ch === '!') {
      const next = input[i + 1];
      if (next !== '=' && next !== '~') {
        const what = next === undefined ? 'unexpected end of input' : `unexpected character '${at(i + 1)}'`;
        throw new MatcherParseError(what, i + 1, "expected '=' or '~' after '!'");
      }
      push(next === '=' ? '!=' : '!~', i, i + 2);
      i += 2;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) {
        throw new MatcherParseError('unterminated quoted string', i, 'missing closing double quote');
      }
      push('quoted', i, j + 1);
      i = j + 1;
    } else if (RESERVED.has(ch)) {
      const hint = ch === '\\' ? 'escape sequences are only allowed inside double quotes' : 'quote values that contain it';
      throw new MatcherParseError(`unexpected character '${ch}'`, i, hint);
    } else {
      let j = i;
      while (j < input.length && !RESERVED.has(at(j)) && !isGoSpace(at(j))) j += at(j).length;
      push('unquoted', i, j);
      i = j;
    }
  }
  tokens.push({ kind: 'eof', text: '', start: input.length, end: input.length });
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
const utf8 = new TextEncoder();

/**
 * Decodes a double-quoted token the way Go's strconv.Unquote does (which is what
 * Alertmanager's UTF-8 parser uses): \a \b \f \n \r \t \v \\ \" \xHH \ooo \uHHHH
 * \UHHHHHHHH, no raw newline, and the result must be valid UTF-8.
 */
export function unquoteGo(token: Token): string {
  const body = token.text.slice(1, -1);
  const bytes: number[] = [];
  let i = 0;
  const fail = (reason: string, offset: number, expected: string): never => {
    throw new MatcherParseError(reason, token.start + 1 + offset, expected);
  };
  while (i < body.length) {
    const ch = String.fromCodePoint(body.codePointAt(i) as number);
    if (ch === '\n') fail('newline in quoted string', i, 'write it as \\n');
    if (ch !== '\\') {
      bytes.push(...utf8.encode(ch));
      i += ch.length;
      continue;
    }
    const kind = body[i + 1] as string;
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
      continue;
    }
    const digits = kind === 'x' ? 2 : kind === 'u' ? 4 : kind === 'U' ? 8 : /[0-7]/.test(kind) ? 3 : 0;
    const start = kind >= '0' && kind <= '7' ? i + 1 : i + 2;
    const raw = body.slice(start, start + digits);
    const valid = digits === 3 ? /^[0-7]{3}$/.test(raw) : new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(raw);
    if (digits === 0 || !valid) {
      fail(`invalid escape sequence '\\${kind}'`, i, 'valid escapes are \\", \\\\, \\n, \\t, \\xHH, \\uHHHH and the like');
    }
    const value = parseInt(raw, digits === 3 ? 8 : 16);
    if (kind === 'u' || kind === 'U') {
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) fail('invalid Unicode code point', i, '');
      bytes.push(...utf8.encode(String.fromCodePoint(value)));
    } else {
      if (value > 255) fail('octal escape out of range', i, 'expected \\000 to \\377');
      bytes.push(value);
    }
    i = start + digits;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return fail('invalid UTF-8 in quoted string', -1, 'escaped bytes must form valid UTF-8');
  }
}
