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
});
