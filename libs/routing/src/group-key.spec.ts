import { groupKey, groupLabels } from './group-key';

const alert = [
  { name: 'severity', value: 'critical' },
  { name: 'alertname', value: 'HighCPU' },
  { name: 'cluster', value: 'eu-1' },
];

describe('groupLabels', () => {
  it.each<[string[], string[]]>([
    [['alertname'], ['alertname']],
    [['cluster', 'alertname'], ['alertname', 'cluster']],
    [['alertname', 'missing'], ['alertname']],
    [[], []],
    [['...'], ['alertname', 'cluster', 'severity']],
  ])('groupBy %j keeps %j', (groupBy, names) => {
    expect(groupLabels(alert, groupBy).map((label) => label.name)).toEqual(names);
  });

  it('copies the values and leaves the input alone', () => {
    const result = groupLabels(alert, ['...']);
    expect(result[0]).toEqual({ name: 'alertname', value: 'HighCPU' });
    expect(alert[0]?.name).toBe('severity');
  });
});

describe('groupKey', () => {
  it('is deterministic and independent of label order', () => {
    const key = groupKey('p1', groupLabels(alert, ['alertname', 'cluster']));
    expect(key).toBe('p1:{"alertname"="HighCPU","cluster"="eu-1"}');
    expect(groupKey('p1', [...alert].reverse())).toBe(groupKey('p1', alert));
  });

  it.each<[string, [string, { name: string; value: string }[]], [string, { name: string; value: string }[]]]>([
    ['policies', ['p1', []], ['p2', []]],
    ['values', ['p', [{ name: 'a', value: 'x' }]], ['p', [{ name: 'a', value: 'y' }]]],
    ['quoting tricks', ['p', [{ name: 'a', value: '1","b"="2' }]], ['p', [{ name: 'a', value: '1' }, { name: 'b', value: '2' }]]],
    ['no labels vs an empty one', ['p', []], ['p', [{ name: 'a', value: '' }]]],
  ])('differs for different %s', (_case, [id1, l1], [id2, l2]) => {
    expect(groupKey(id1, l1)).not.toBe(groupKey(id2, l2));
  });
});
