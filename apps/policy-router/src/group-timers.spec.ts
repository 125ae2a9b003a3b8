import type { AlertGroupRepository, AlertGroupTimer } from '@alertlark/persistence';
import type { JsonLogger } from '@alertlark/service-kit';
import { GroupTimers } from './group-timers';

const logger = { event: () => undefined } as unknown as JsonLogger;

function setup(stored: AlertGroupTimer[]) {
  let release!: () => void;
  const loading = new Promise<void>((resolve) => (release = resolve));
  const requested: number[][] = [];
  const groups = {
    timersOf: async (partitions: number[]) => {
      requested.push(partitions);
      await loading;
      return stored.filter((timer) => partitions.includes(timer.partition));
    },
  } as unknown as AlertGroupRepository;
  return { timers: new GroupTimers(groups, logger), release, requested };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupTimers: the in-memory index of due groups', () => {
  it('loads the timers of newly assigned partitions and lists due ones earliest first', async () => {
    const { timers, release, requested } = setup([
      { groupKey: 'g2', partition: 1, flushAt: 200 },
      { groupKey: 'g1', partition: 0, flushAt: 100 },
      { groupKey: 'later', partition: 0, flushAt: 900 },
      { groupKey: 'elsewhere', partition: 5, flushAt: 50 },
    ]);
    timers.assign(new Set([0, 1]));
    expect(timers.due(1_000)).toEqual([]); // not loaded yet: nothing fires half-known
    release();
    await flushed();
    expect(requested).toEqual([[0, 1]]);
    expect(timers.due(500)).toEqual([
      { groupKey: 'g1', partition: 0 },
      { groupKey: 'g2', partition: 1 },
    ]);
  });

  it('keeps a timer set while loading over the stored one, and forgets partitions given away', async () => {
    const { timers, release } = setup([{ groupKey: 'g1', partition: 0, flushAt: 100 }]);
    timers.assign(new Set([0]));
    timers.set('g1', 0, 700);
    release();
    await flushed();
    expect(timers.due(500)).toEqual([]);
    expect(timers.due(700)).toEqual([{ groupKey: 'g1', partition: 0 }]);
    timers.assign(new Set([1]));
    expect(timers.size()).toBe(0);
    expect(timers.owns(0)).toBe(false);
  });

  it('drops a timer set to null and ignores groups of partitions it does not own', async () => {
    const { timers, release } = setup([]);
    timers.assign(new Set([0]));
    release();
    await flushed();
    timers.set('g1', 0, 100);
    timers.set('g2', 3, 100);
    expect(timers.due(100)).toEqual([{ groupKey: 'g1', partition: 0 }]);
    timers.set('g1', 0, null);
    expect(timers.due(100)).toEqual([]);
  });
});
