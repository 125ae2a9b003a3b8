import { compileAnchoredRegex, RegexSyntaxError } from './re2';

// Expected results are Go's: `regexp.MustCompile("^(?:" + pattern + ")$").MatchString(value)`.
describe('compileAnchoredRegex: Go RE2 semantics', () => {
  it.each<[string, string, boolean]>([
    ['a.c', 'a\nc', false],
    ['a.c', 'a\rc', true],
    ['(?s)a.c', 'a\nc', true],
    ['(?s:.)x.', '\nxa', true],
    ['(?s:.)x.', '\nx\n', false],
    ['(?i)abc', 'ABC', true],
    ['a(?i)b|c', 'aB', true],
    ['a(?i)b|c', 'C', true],
    ['a(?i)b|c', 'AB', false],
    ['(x(?i)y|z)w', 'xYw', true],
    ['(x(?i)y|z)w', 'Zw', true],
    ['(x(?i)y|z)w', 'XYw', false],
    ['(?im-s:a.)', 'Ab', true],
    ['(?im-s:a.)', 'A\n', false],
    ['(?i-i:a)', 'A', false],
    ['(?U)a+', 'aaa', true],
    ['(?P<name>a)(?<other>b)', 'ab', true],
    ['\\s\\S', '\tx', true],
    ['\\s\\S', '\vx', false],
    ['\\s\\S', '\u00a0x', false],
    ['[\\s,]+', ' ,\n', true],
    ['[[:alpha:]_]+', 'ab_', true],
    ['[[:alpha:]_]', 'é', false],
    ['[[:^alpha:]]', '1', true],
    ['[[:digit:]]+', '42', true],
    ['[]a]+', ']a', true],
    ['a{2,3}', 'aaa', true],
    ['a{2,3}', 'aaaa', false],
    ['a{,3}', 'a{,3}', true],
    ['\\-\\:\\.', '-:.', true],
    ['[\\-x]+', '-x', true],
    ['\\Qa.b\\Ec', 'a.bc', true],
    ['\\Qa.b\\Ec', 'axbc', false],
    ['\\Aab\\z', 'ab', true],
    ['a$', 'a\n', false],
    ['(?m)a$', 'a', true],
    ['\\d+\\w*\\b', '12ab', true],
    ['\\d', '٣', false],
    ['\\w', 'é', false],
    ['\\x41\\x{1F642}\\101', 'A🙂A', true],
    ['\\pL\\p{Greek}\\PN', 'éαx', true],
  ])('%j on %j is %j', (pattern, value, expected) => {
    expect(compileAnchoredRegex(pattern).test(value)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ['.', '🙂', true],
    ['..', '🙂', false],
    ['[^a]', '🙂', true],
    ['ö{2}', 'öö', true],
    ['(?i)é', 'É', true],
    ['(?i)σ', 'ς', true],
    ['(?i)k', '\u212a', true],
    ['\\p{Han}+', '漢字', true],
    ['caf.', 'café', true],
    ['.*', 'a\ud800b', true],
  ])('matches UTF-8 values by code point: %j on %j is %j', (pattern, value, expected) => {
    expect(compileAnchoredRegex(pattern).test(value)).toBe(expected);
  });

  it('anchors at both ends', () => {
    const re = compileAnchoredRegex('bar|baz');
    expect(['bar', 'baz', 'foobar', 'barbaz', 'bazz', ''].map((s) => re.test(s))).toEqual([true, true, false, false, false, false]);
    expect(re.source).toBe('^(?:bar|baz)$');
    expect(compileAnchoredRegex('').test('')).toBe(true);
  });

  it('shows only its source to JSON and deep equality', () => {
    const re = compileAnchoredRegex('a+');
    re.test('aaa');
    expect(JSON.stringify(re)).toBe('{"source":"^(?:a+)$"}');
    expect(re).toEqual(compileAnchoredRegex('a+'));
  });

  it('is linear in the value: nested quantifiers cannot backtrack', () => {
    // A backtracking engine takes about 2^34 steps here before answering false.
    expect(compileAnchoredRegex('(a+)+b').test('a'.repeat(34) + 'c')).toBe(false);
    expect(compileAnchoredRegex('(a|aa)*b').test('a'.repeat(100_000))).toBe(false);
    expect(compileAnchoredRegex('(.*,)*x').test('a,'.repeat(10_000))).toBe(false);
  });
});

describe('compileAnchoredRegex: patterns RE2 refuses', () => {
  it.each<[string, string]>([
    ['(bar', 'missing closing ): `(bar`'],
    ['a)', 'unexpected ): `a)`'],
    // Alertmanager accepts this by pasting it into `^(?:…)$`; it must be valid on its own here.
    ['a)|(b', 'unexpected ): `a)|(b`'],
    ['[a', 'missing closing ]: `[a`'],
    ['a\\', 'trailing backslash at end of expression'],
    ['\\e', 'invalid escape sequence: `\\e`'],
    ['\\C', 'invalid escape sequence: `\\C`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['(a{100}){100}', 'invalid repeat count: `{100}`'],
    ['*a', 'missing argument to repetition operator: `*`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['x{2}{3}', 'invalid nested repetition operator: `{2}{3}`'],
    ['(?i', 'invalid or unsupported Perl syntax: `(?i`'],
    ['\\p{Foo}', 'invalid character class range: `\\p{Foo}`'],
    ['(?P<n>a)(?P<n>b)', 'duplicate capture group name: `n`'],
    ['a(?=b)', 'invalid or unsupported Perl syntax: `(?=` (look-around assertions are not supported by RE2)'],
    ['a(?!b)', 'invalid or unsupported Perl syntax: `(?!` (look-around assertions are not supported by RE2)'],
    ['(?<=a)b', 'invalid named capture: `(?<=a)b` (look-around assertions are not supported by RE2)'],
    ['a(?<!b)', 'invalid named capture: `(?<!b)` (look-around assertions are not supported by RE2)'],
    ['(a)\\1', 'invalid escape sequence: `\\1` (back-references are not supported by RE2)'],
  ])('%j: %s', (pattern, message) => {
    let thrown: unknown;
    try {
      compileAnchoredRegex(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RegexSyntaxError);
    expect((thrown as RegexSyntaxError).name).toBe('RegexSyntaxError');
    expect((thrown as RegexSyntaxError).message).toBe(message);
  });
});
