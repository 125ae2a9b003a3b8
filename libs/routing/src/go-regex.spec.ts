import { compileAnchoredRegex, RegexSyntaxError, translateGoRegex } from './go-regex';

describe('translateGoRegex', () => {
  it.each<[string, string]>([
    ['abc', 'abc'],
    ['a.c', 'a[^\\n]c'],
    ['(?s)a.c', 'a[^]c'],
    ['(?s:.)x.', '(?:[^])x[^\\n]'],
    ['(?i)abc', '(?i:abc)'],
    ['a(?i)b|c', 'a(?i:b)|(?i:c)'],
    ['(x(?i)y|z)w', '(x(?i:y)|(?i:z))w'],
    ['(?im-s:a.)', '(?im:a[^\\n])'],
    ['(?P<name>a)', '(?<name>a)'],
    ['\\s\\S', '[\\t\\n\\f\\r ][^\\t\\n\\f\\r ]'],
    ['[\\s,]', '[\\t\\n\\f\\r ,]'],
    ['[[:alpha:]_]', '[A-Za-z_]'],
    ['[]a]', '[\\]a]'],
    ['a{2,3}', 'a{2,3}'],
    ['a{,3}', 'a\\{,3\\}'],
    ['\\-\\:\\.', '-:\\.'],
    ['[\\-x]', '[\\-x]'],
    ['\\pL\\p{Greek}\\PN', '\\p{L}\\p{Script=Greek}\\P{N}'],
    ['\\x41\\x{1F642}\\101', '\\u{41}\\u{1F642}\\u{41}'],
    ['\\Qa.b\\Ec', 'a\\.bc'],
    ['\\Aab\\z', '(?<![^])ab(?![^])'],
    ['\\d+\\w*\\b', '\\d+\\w*\\b'],
  ])('%j -> %j', (pattern, expected) => {
    expect(translateGoRegex(pattern)).toBe(expected);
  });

  it.each<[string, string]>([
    ['a(?=b)', 'look-around'],
    ['a(?<!b)', 'look-around'],
    ['(a)\\1', 'back-references'],
    ['(?U)a*', 'unsupported flags'],
    ['(a', 'missing closing )'],
    ['a)', 'unexpected )'],
    ['[a', 'missing closing ]'],
    ['a\\', 'trailing backslash'],
    ['\\e', 'invalid escape sequence'],
    ['a{1001}', 'invalid repeat count'],
    ['[[:^alpha:]]', 'unsupported character class'],
  ])('refuses %j', (pattern, message) => {
    expect(() => translateGoRegex(pattern)).toThrow(message);
  });
});

describe('compileAnchoredRegex', () => {
  it('anchors at both ends', () => {
    const re = compileAnchoredRegex('bar|baz');
    expect(['bar', 'baz', 'foobar', 'barbaz', 'bazz'].map((s) => re.test(s))).toEqual([true, true, false, false, false]);
  });

  it.each(['*a', 'a**', 'x{2}{3}', '(?i-i:a)'])('turns a JavaScript syntax error for %j into a RegexSyntaxError', (pattern) => {
    expect(() => compileAnchoredRegex(pattern)).toThrow(RegexSyntaxError);
  });
});
