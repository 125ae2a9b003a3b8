import { InternPool } from './intern-pool';

/** A string equal to `value` but built at run time: a distinct instance, as JSON.parse makes. */
const fresh = (value: string) => [...value].join('');

describe('InternPool', () => {
  it('returns equal strings, and long ones as they are without holding them', () => {
    const pool = new InternPool({ maxLength: 8 });
    expect(pool.string(fresh('alertname'))).toBe('alertname');
    expect(pool.string(fresh('critical'))).toBe('critical');
    expect(pool.string(fresh('critical'))).toBe('critical');
    expect(pool.size).toBe(1);
  });

  it('hands out one frozen pair per name and value', () => {
    const pool = new InternPool();
    const pair = pool.pair(fresh('severity'), fresh('critical'));
    expect(pair).toEqual({ name: 'severity', value: 'critical' });
    expect(Object.isFrozen(pair)).toBe(true);
    expect(pool.pair('severity', 'critical')).toBe(pair);
    expect(pool.pair('severity', 'warning')).not.toBe(pair);
    expect(pool.pair('level', 'critical')).not.toBe(pair);
  });

  it('gives each alert its own label array of shared pairs, and shares frozen lists of equal content', () => {
    const pool = new InternPool();
    const labels = [{ name: 'alertname', value: 'Down' }, { name: 'job', value: 'node' }];
    const first = pool.pairs(labels);
    const second = pool.pairs(labels.map((pair) => ({ ...pair })));
    expect(second).not.toBe(first);
    expect(second).toEqual(labels);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);

    const annotations = pool.pairList([{ name: 'summary', value: 'down' }, { name: 'runbook', value: 'r' }]);
    expect(pool.pairList([{ name: 'summary', value: 'down' }, { name: 'runbook', value: 'r' }])).toBe(annotations);
    expect(pool.pairList([{ name: 'summary', value: 'up' }, { name: 'runbook', value: 'r' }])).not.toBe(annotations);
    expect(Object.isFrozen(annotations)).toBe(true);
    const single = pool.pairList([{ name: 'summary', value: 'down' }]);
    expect(pool.pairList([{ name: 'summary', value: fresh('down') }])).toBe(single);
    expect(single).toEqual([{ name: 'summary', value: 'down' }]);

    const keys = pool.stringList(['p1:{}', 'p2:{}']);
    expect(pool.stringList([fresh('p1:{}'), fresh('p2:{}')])).toBe(keys);
    expect(pool.stringList(['p1:{}'])).toBe(pool.stringList([fresh('p1:{}')]));
    expect(pool.stringList([])).toBe(pool.pairList([]));
    expect(Object.isFrozen(pool.stringList([]))).toBe(true);
  });

  it('stays bounded, keeping what is still in use', () => {
    const pool = new InternPool({ entries: 10 });
    const hot = pool.pair('alertname', 'Down');
    for (let i = 0; i < 1_000; i++) {
      pool.string(`unique-${i}`);
      expect(pool.pair('alertname', 'Down')).toBe(hot);
    }
    expect(pool.size).toBeLessThanOrEqual(20);
  });

  it('stays bounded in characters', () => {
    const pool = new InternPool({ chars: 100 });
    for (let i = 0; i < 100; i++) pool.string(`${'x'.repeat(40)}${i}`);
    expect(pool.size).toBeLessThanOrEqual(4);
  });

  it('does not share lists longer than its limit, nor lists holding a pair it did not pool', () => {
    const pool = new InternPool({ maxLength: 10, maxListLength: 30 });
    const long = [{ name: 'summary', value: 'a' }, { name: 'description', value: 'b' }];
    const first = pool.pairList(long);
    expect(pool.pairList(long)).not.toBe(first);
    expect(pool.pairList(long)).toEqual(long);
    expect(Object.isFrozen(first)).toBe(true);
    const longValue = [{ name: 'summary', value: 'x'.repeat(11) }];
    expect(pool.pairList(longValue)).not.toBe(pool.pairList(longValue));
    expect(pool.pairList(longValue)).toEqual(longValue);
  });

  it('stops pooling the values of a label name that hardly repeat, and goes on sharing the others', () => {
    const pool = new InternPool();
    const job = pool.pair('job', 'node');
    for (let i = 0; i < 2_000; i++) {
      expect(pool.pair('instance', `host-${i}`)).toEqual({ name: 'instance', value: `host-${i}` });
      expect(pool.pair('job', 'node')).toBe(job);
    }
    // Pooled, each is two entries (pair and value): 256 before the name was judged, then one in
    // 16 of the rest; all 2,000 would be 4,000.
    expect(pool.size).toBeLessThan(800);
    const pair = pool.pair('instance', 'host-1');
    expect(Object.isFrozen(pair)).toBe(true);
    expect(pair).toEqual({ name: 'instance', value: 'host-1' });
  });

  it('stops pooling the values of a field that hardly repeat, and goes on pooling the field that does', () => {
    const pool = new InternPool();
    for (let i = 0; i < 2_000; i++) {
      expect(pool.string(`2026-11-24T10:00:${i}Z`, 'startsAt')).toBe(`2026-11-24T10:00:${i}Z`);
      pool.string(fresh('2026-11-24T10:00:00Z'), 'lastReceivedAt');
    }
    expect(pool.size).toBeLessThan(400);
  });
});
