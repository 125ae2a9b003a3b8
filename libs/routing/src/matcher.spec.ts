import { formatMatcher, formatMatchers, Matcher, MatcherParseError, MatcherParseMode, matches, parseMatcher, parseMatchers } from './matcher';

type Plain = [name: string, operator: string, value: string];
const plain = (ms: Matcher[]): Plain[] => ms.map((m) => [m.name, m.operator, m.value]);

function errorOf(run: () => unknown): MatcherParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof MatcherParseError) return error;
    throw error;
  }
  throw new Error('expected a MatcherParseError');
}

describe('parseMatchers: inputs both Alertmanager parsers read the same way', () => {
  it.each<[string, Plain[]]>([
    ['', []],
    ['{}', []],
    ['{ }', []],
    ['{foo=bar}', [['foo', '=', 'bar']]],
    ['{foo=bar,}', [['foo', '=', 'bar']]],
    ['{foo!=bar}', [['foo', '!=', 'bar']]],
    ['{foo=~[a-z]+}', [['foo', '=~', '[a-z]+']]],
    ['{foo!~[a-z]+}', [['foo', '!~', '[a-z]+']]],
    ['{foo=🙂}', [['foo', '=', '🙂']]],
    ['{foo=🙂bar}', [['foo', '=', '🙂bar']]],
    ['foo=bar', [['foo', '=', 'bar']]],
    ['foo=bar,', [['foo', '=', 'bar']]],
    ['foo=~[a-z]+', [['foo', '=~', '[a-z]+']]],
    ['{foo="bar"}', [['foo', '=', 'bar']]],
    ['{foo="bar",}', [['foo', '=', 'bar']]],
    ['{foo="\\"bar\\""}', [['foo', '=', '"bar"']]],
    ['{foo="bar\\\\"}', [['foo', '=', 'bar\\']]],
    ['{foo="bar\\n"}', [['foo', '=', 'bar\n']]],
    ['{foo="a,b}c"}', [['foo', '=', 'a,b}c']]],
    ['{foo="hello world"}', [['foo', '=', 'hello world']]],
    ['{foo=""}', [['foo', '=', '']]],
    ['{foo=bar,bar!=baz}', [['foo', '=', 'bar'], ['bar', '!=', 'baz']]],
    ['foo="bar", bar!="baz"', [['foo', '=', 'bar'], ['bar', '!=', 'baz']]],
    ['{a="1", b=~"x|y"}', [['a', '=', '1'], ['b', '=~', 'x|y']]],
    ['{ foo = "bar" , baz !~ "q.*" }', [['foo', '=', 'bar'], ['baz', '!~', 'q.*']]],
  ])('%j', (input, expected) => {
    for (const mode of ['fallback', 'utf8', 'classic'] as MatcherParseMode[]) {
      expect(plain(parseMatchers(input, { mode }))).toEqual(expected);
    }
  });
});

describe('parseMatchers: the UTF-8 parser', () => {
  it.each<[string, Plain[]]>([
    ['{"foo"="bar"}', [['foo', '=', 'bar']]],
    ['"service.name"="api"', [['service.name', '=', 'api']]],
    ['service.name=api', [['service.name', '=', 'api']]],
    ['{"foo"="\\xf0\\x9f\\x99\\x82"}', [['foo', '=', '🙂']]],
    ['{"foo"="\\U0001f642"}', [['foo', '=', '🙂']]],
    ['{"foo"="\\u00e9\\101"}', [['foo', '=', 'éA']]],
    ['{"foo"="bar\\t"}', [['foo', '=', 'bar\t']]],
    ['  {\tfoo\n=\u00a0bar }  ', [['foo', '=', 'bar']]],
    ['{foo=$x:y}', [['foo', '=', '$x:y']]],
  ])('%j', (input, expected) => {
    expect(plain(parseMatchers(input, { mode: 'utf8' }))).toEqual(expected);
    expect(plain(parseMatchers(input))).toEqual(expected);
  });
});

describe('parseMatchers: what only the classic parser accepts, taken by the fallback', () => {
  it.each<[string, Plain[]]>([
    ['foo=', [['foo', '=', '']]],
    ['foo=bar baz', [['foo', '=', 'bar baz']]],
    ['foo=~x~y', [['foo', '=~', 'x~y']]],
    ['foo=~"\\d+"', [['foo', '=~', '\\d+']]],
    ['{foo="bar\\w"}', [['foo', '=', 'bar\\w']]],
    ['foo=bar}', [['foo', '=', 'bar']]],
    ['{foo=bar', [['foo', '=', 'bar']]],
    ['{', []],
  ])('%j', (input, expected) => {
    expect(plain(parseMatchers(input))).toEqual(expected);
    expect(plain(parseMatchers(input, { mode: 'classic' }))).toEqual(expected);
    expect(() => parseMatchers(input, { mode: 'utf8' })).toThrow(MatcherParseError);
  });

  it('prefers the classic reading when both parse but disagree, as Alertmanager does', () => {
    expect(parseMatchers('foo="a\\tb"', { mode: 'utf8' })[0]?.value).toBe('a\tb');
    expect(parseMatchers('foo="a\\tb"')[0]?.value).toBe('a\\tb');
  });
});

describe('parse errors carry a 0-based position', () => {
  it.each<[string, MatcherParseMode, number, string]>([
    [',', 'fallback', 0, "unexpected ',' at position 0: expected a label name"],
    ['{,}', 'fallback', 1, "unexpected ',' at position 1: expected a label name"],
    ['{', 'utf8', 1, "unexpected end of input at position 1: expected a close brace '}'"],
    ['}', 'utf8', 0, "unexpected '}' at position 0: expected an opening brace '{' before it"],
    ['foo=bar}', 'utf8', 7, "unexpected '}' at position 7: expected an opening brace '{' before it"],
    ['{foo=bar', 'utf8', 8, "unexpected end of input at position 8: expected a close brace '}'"],
    ['foo', 'fallback', 3, "unexpected end of input at position 3: expected an operator such as '=', '!=', '=~' or '!~'"],
    ['foo=', 'utf8', 4, 'unexpected end of input at position 4: expected a label value'],
    ['service!=', 'utf8', 9, 'unexpected end of input at position 9: expected a label value'],
    ['foo="bar', 'fallback', 4, 'unterminated quoted string at position 4: missing closing double quote'],
    ['a="x\\"', 'fallback', 2, 'unterminated quoted string at position 2: missing closing double quote'],
    ['{foo=:"bar"}', 'fallback', 6, `unexpected '"bar"' at position 6: expected a comma or close brace`],
    ['{foo="bar\\w"}', 'utf8', 9, "invalid escape sequence '\\w' at position 9"],
    ['{foo=bar\\n}', 'utf8', 8, "unexpected character '\\' at position 8"],
    ['{"foo"="\\xf0\\x9f"}', 'fallback', 7, 'invalid UTF-8 in quoted string at position 7'],
    ['foo!bar', 'fallback', 4, "unexpected character 'b' at position 4: expected '=' or '~' after '!'"],
    ['foo=bar baz', 'utf8', 8, "unexpected 'baz' at position 8: expected a comma or close brace"],
    ['a=1,,b=2', 'fallback', 4, "unexpected ',' at position 4: expected a matcher or close brace after comma"],
    ['{a=1} b', 'utf8', 6, "unexpected 'b' at position 6: expected end of input"],
    ['foo=~"(bar"', 'fallback', 5, 'invalid regular expression "(bar" at position 5: missing closing ): `(bar`'],
    ['x="1", foo=~"a(?=b)"', 'fallback', 12, 'invalid regular expression "a(?=b)" at position 12: invalid or unsupported Perl syntax: `(?=` (look-around'],
    ['foo=~"[a-"', 'classic', 5, 'invalid regular expression "[a-" at position 5'],
    ['foo=b"ar', 'classic', 4, 'unescaped double quote in value at position 4'],
    ['9foo=bar', 'classic', 0, 'bad matcher format "9foo=bar" at position 0'],
    ['""="x"', 'utf8', 0, 'empty label name at position 0'],
  ])('%j (%s)', (input, mode, position, message) => {
    const error = errorOf(() => parseMatchers(input, { mode }));
    expect(error.position).toBe(position);
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('parseMatcher', () => {
  it.each<[string, Plain]>([
    ['foo=bar', ['foo', '=', 'bar']],
    ['severity =~ "critical|warning"', ['severity', '=~', 'critical|warning']],
    ['"k8s.namespace"!="kube-system"', ['k8s.namespace', '!=', 'kube-system']],
    ['foo=', ['foo', '=', '']],
    // Alertmanager's classic single-matcher parser does not split at commas, and where the two
    // parsers disagree Alertmanager's fallback mode takes the classic reading.
    ['foo=bar,baz=qux', ['foo', '=', 'bar,baz=qux']],
    ['foo=bar,', ['foo', '=', 'bar,']],
  ])('%j', (input, expected) => {
    const m = parseMatcher(input);
    expect([m.name, m.operator, m.value]).toEqual(expected);
  });

  it.each<[string, number, string]>([
    ['', 0, 'found no matcher at position 0: expected exactly one matcher'],
    ['   ', 3, 'found no matcher at position 3: expected exactly one matcher'],
    ['{foo=bar}', 0, "unexpected '{' at position 0: a single matcher takes no braces"],
    ['foo=bar}', 7, "unexpected '}' at position 7: a single matcher takes no braces"],
    ['foo="bar', 4, 'unterminated quoted string at position 4'],
  ])('refuses %j', (input, position, message) => {
    const error = errorOf(() => parseMatcher(input));
    expect(error.position).toBe(position);
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('reads a trailing comma as the UTF-8 parser does in UTF-8 mode', () => {
    expect(parseMatcher('foo=bar,', { mode: 'utf8' }).value).toBe('bar');
  });

  it('refuses two matchers in UTF-8 mode', () => {
    expect(errorOf(() => parseMatcher('foo=bar,baz=qux', { mode: 'utf8' })).message).toBe(
      'found 2 matchers at position 0: expected exactly one matcher',
    );
  });

  it('compiles the regex once, anchored', () => {
    const m = parseMatcher('foo=~"bar|baz"');
    expect(m.regex?.source).toBe('^(?:bar|baz)$');
    expect(parseMatcher('foo=bar').regex).toBeUndefined();
  });

  it('accepts what RE2 accepts and matches it in linear time', () => {
    // Valid in Alertmanager; a backtracking engine would take about 2^34 steps on this value.
    const m = parseMatcher('host=~"(a+)+b"');
    expect([m.name, m.operator, m.value]).toEqual(['host', '=~', '(a+)+b']);
    expect(matches(m, [{ name: 'host', value: 'a'.repeat(34) + 'c' }])).toBe(false);
    expect(matches(m, [{ name: 'host', value: 'a'.repeat(34) + 'b' }])).toBe(true);
  });
});

describe('formatMatcher', () => {
  it.each<[string, string]>([
    ['foo=bar', 'foo="bar"'],
    ['foo!~"a|b"', 'foo!~"a|b"'],
    ['"service.name"=api', '"service.name"="api"'],
    ['{"foo"="say \\"hi\\"\\\\\\n"}', 'foo="say \\"hi\\"\\\\\\n"'],
  ])('%j -> %j', (input, expected) => {
    expect(formatMatcher(parseMatchers(input)[0] as Matcher)).toBe(expected);
  });

  it.each(['a', 'x y', 'quote " and \\ backslash', 'line\nbreak', 'tab\there', 'a,b}{', '🙂', ''])(
    'round-trips the value %j through every parser mode',
    (value) => {
      const text = formatMatcher({ name: 'k8s.pod', operator: '=', value });
      for (const mode of ['fallback', 'utf8'] as MatcherParseMode[]) {
        expect(plain([parseMatcher(text, { mode })])).toEqual([['k8s.pod', '=', value]]);
      }
      const classic = formatMatcher({ name: 'pod', operator: '!=', value });
      expect(plain([parseMatcher(classic, { mode: 'classic' })])).toEqual([['pod', '!=', value]]);
    },
  );

  it('formats a list', () => {
    expect(formatMatchers(parseMatchers('a=1,b=~x|y'))).toBe('{a="1", b=~"x|y"}');
  });
});
