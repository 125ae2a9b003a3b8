import { planReading } from './replay-plan';

const offsets = [
  { partition: 0, low: '0', high: '10' },
  { partition: 1, low: '5', high: '5' },
  { partition: 2, low: '20', high: '30' },
];

describe('planReading', () => {
  it('reads a new group from the start of the log to the end taken now, skipping empty partitions', () => {
    expect(planReading(offsets, new Map(), false)).toEqual([
      { partition: 0, start: '0', end: '10' },
      { partition: 2, start: '20', end: '30' },
    ]);
    expect(planReading(offsets, new Map([[0, '-1']]), false)[0]).toEqual({ partition: 0, start: '0', end: '10' });
  });

  it('goes on from where the last run committed, and has nothing to do when it reached the end', () => {
    expect(planReading(offsets, new Map([[0, '7'], [2, '30']]), false)).toEqual([{ partition: 0, start: '7', end: '10' }]);
    expect(planReading(offsets, new Map([[0, '10'], [2, '30']]), false)).toEqual([]);
  });

  it('starts from the oldest offset kept when retention deleted the committed one', () => {
    expect(planReading(offsets, new Map([[0, '10'], [2, '12']]), false)).toEqual([{ partition: 2, start: '20', end: '30' }]);
  });

  it('reads everything again with --from-beginning', () => {
    expect(planReading(offsets, new Map([[0, '10'], [2, '30']]), true)).toEqual([
      { partition: 0, start: '0', end: '10' },
      { partition: 2, start: '20', end: '30' },
    ]);
  });
});
