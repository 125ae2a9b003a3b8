import { alertFingerprint } from './fingerprint';

describe('alertFingerprint', () => {
  const a = [
    { name: 'alertname', value: 'HighCPU' },
    { name: 'instance', value: 'web-1' },
  ];

  it('is 16 lowercase hex characters', () => {
    expect(alertFingerprint(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(alertFingerprint([])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is stable and does not depend on label order', () => {
    expect(alertFingerprint(a)).toBe(alertFingerprint([...a].reverse()));
    expect(alertFingerprint(a)).toBe(alertFingerprint(a.map((pair) => ({ ...pair }))));
  });

  it.each<[string, { name: string; value: string }[], { name: string; value: string }[]]>([
    ['a=bc vs ab=c', [{ name: 'a', value: 'bc' }], [{ name: 'ab', value: 'c' }]],
    ['one label vs two', [{ name: 'a', value: 'b' }], [{ name: 'a', value: 'b' }, { name: 'c', value: '' }]],
    ['value moved across labels', [{ name: 'a', value: 'x' }, { name: 'b', value: '' }], [{ name: 'a', value: '' }, { name: 'b', value: 'x' }]],
    ['different value', [{ name: 'a', value: '1' }], [{ name: 'a', value: '2' }]],
    ['unicode', [{ name: 'a', value: 'é' }], [{ name: 'a', value: 'e\u0301' }]],
  ])('tells apart %s', (_case, left, right) => {
    expect(alertFingerprint(left)).not.toBe(alertFingerprint(right));
  });

  it('does not mutate its input', () => {
    const input = [...a].reverse();
    alertFingerprint(input);
    expect(input[0]?.name).toBe('instance');
  });

  // Values computed with the first implementation (Buffer.concat per label, 2026-11): stored alert
  // states, history and group members are keyed by them, so a faster one must give the same.
  it.each<[string, { name: string; value: string }[], string]>([
    ['no labels', [], 'e3b0c44298fc1c14'],
    ['one label', [{ name: 'alertname', value: 'HighCPU' }], '7e1b69404c451635'],
    ['two labels', [{ name: 'alertname', value: 'HighCPU' }, { name: 'instance', value: 'web-1' }], '57a70b22755f6062'],
    ['unsorted', [{ name: 'instance', value: 'web-1' }, { name: 'alertname', value: 'HighCPU' }, { name: 'severity', value: 'critical' }], '9fbb5496d16ed9c2'],
    ['a=bc', [{ name: 'a', value: 'bc' }], 'b534ce16ac9c8b36'],
    ['ab=c', [{ name: 'ab', value: 'c' }], 'f2939f903016e5bb'],
    ['empty value', [{ name: 'a', value: '' }], '6a9f797717b7913c'],
    ['precomposed é', [{ name: 'a', value: 'é' }], '1c063bcc31008a2f'],
    ['combining accent', [{ name: 'a', value: 'e\u0301' }], 'da350741ed822368'],
    ['UTF-8 names and values', [{ name: 'k8s.pod', value: 'api-1' }, { name: 'namespace', value: 'prod' }, { name: '日本', value: '東京 🚀' }], 'db7e0ab5fda605ba'],
    ['a 300-character value', [{ name: 'a', value: 'x'.repeat(300) }], '4eb44b3d2b44ca5c'],
    ['the same name twice, sorted by value', [{ name: 'dup', value: 'b' }, { name: 'dup', value: 'a' }], '93c9fd006c1fb47f'],
    ['UTF-16 order (Z < _ < a)', [{ name: 'Z', value: '1' }, { name: 'a', value: '2' }, { name: '_', value: '3' }], '105cd06932664d2a'],
    ['astral and lone surrogate', [{ name: 'emoji', value: '\u{1F525}' }, { name: 'lone', value: '\uD83D' }], '5d26356faa54fb2e'],
    ['a 10 KB value', [{ name: 'long', value: 'ü'.repeat(5000) }], '6827f41269e2ddc4'],
    ['20 labels', Array.from({ length: 20 }, (_, i) => ({ name: `label_${i}`, value: `value-${i * 7}` })), '834dda933df6ac97'],
  ])('keeps the value it always had: %s', (_case, labels, expected) => {
    expect(alertFingerprint(labels)).toBe(expected);
  });
});
