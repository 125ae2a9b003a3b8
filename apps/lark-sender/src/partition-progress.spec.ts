import { PartitionProgress } from './partition-progress';

describe('PartitionProgress: commit up to the oldest unfinished notification', () => {
  it('holds the commit at the oldest unfinished offset, and moves it past what finished in any order', () => {
    const progress = new PartitionProgress();
    for (const offset of [10, 11, 12]) progress.take(0, offset);
    expect(progress.committable(0)).toBe('10');
    progress.finish(0, 11);
    expect(progress.committable(0)).toBe('10');
    progress.finish(0, 10);
    expect(progress.committable(0)).toBe('12');
    progress.finish(0, 12);
    expect(progress.committable(0)).toBe('13');
    expect(progress.unfinished()).toBe(0);
  });

  it('commits nothing on a partition it has taken nothing from since the assignment, and forgets everything on a new one', () => {
    const progress = new PartitionProgress();
    expect(progress.committable(3)).toBeNull();
    progress.take(3, 5);
    progress.take(4, 1);
    progress.reset();
    expect(progress.committable(3)).toBeNull();
    expect(progress.committable(4)).toBeNull();
  });

  it('takes an offset once, when a batch is handled again', () => {
    const progress = new PartitionProgress();
    progress.take(0, 4);
    progress.take(0, 5);
    progress.take(0, 4);
    progress.take(0, 5);
    progress.finish(0, 4);
    progress.finish(0, 5);
    expect(progress.committable(0)).toBe('6');
  });

  it('keeps partitions apart', () => {
    const progress = new PartitionProgress();
    progress.take(0, 1);
    progress.take(1, 7);
    progress.finish(1, 7);
    expect([progress.committable(0), progress.committable(1)]).toEqual(['1', '8']);
  });
});
