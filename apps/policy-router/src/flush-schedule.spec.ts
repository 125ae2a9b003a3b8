import { FlushSchedule, type ScheduledFlush } from './flush-schedule';

describe('FlushSchedule: one min-heap, one timer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('fires due entries earliest first with a single timer, skipping entries that are no longer current', () => {
    const fired: ScheduledFlush[][] = [];
    const stale = new Set(['b']);
    const schedule = new FlushSchedule((due) => fired.push(due), (entry) => !stale.has(entry.groupKey));
    for (const [at, groupKey] of [[300, 'c'], [100, 'a'], [200, 'b'], [100, 'a2'], [5_000, 'd']] as const) schedule.add({ at, partition: 0, groupKey });
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(100);
    expect(fired.map((due) => due.map((entry) => entry.groupKey))).toEqual([['a', 'a2']]);
    jest.advanceTimersByTime(200);
    expect(fired.map((due) => due.map((entry) => entry.groupKey))).toEqual([['a', 'a2'], ['c']]);
    expect(schedule.size()).toBe(1);
  });

  it('an earlier entry re-arms the timer; clear drops every entry and its timer', () => {
    const fired: string[] = [];
    const schedule = new FlushSchedule((due) => fired.push(...due.map((entry) => entry.groupKey)), () => true);
    schedule.add({ at: 1_000, partition: 1, groupKey: 'late' });
    schedule.add({ at: 10, partition: 2, groupKey: 'early' });
    jest.advanceTimersByTime(10);
    expect(fired).toEqual(['early']);
    schedule.clear();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1_000);
    expect(fired).toEqual(['early']);
    schedule.add({ at: 1_500, partition: 1, groupKey: 'again' });
    jest.advanceTimersByTime(500);
    expect(fired).toEqual(['early', 'again']);
  });

  it('takeDue hands over what is due now without waiting for the timer', () => {
    const schedule = new FlushSchedule(() => undefined, () => true);
    schedule.add({ at: 0, partition: 0, groupKey: 'now' });
    schedule.add({ at: 50, partition: 0, groupKey: 'later' });
    expect(schedule.takeDue(0).map((entry) => entry.groupKey)).toEqual(['now']);
    schedule.stop();
    expect(schedule.size()).toBe(0);
  });
});
