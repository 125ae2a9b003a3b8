import type { JsonLogger } from '@alertlark/service-kit';
import { RetentionSweeper, retentionCutoff, type RetentionTarget } from './retention.sweeper';

/** A collection of rows dated by epoch ms, deleted as deleteOlderThan would. */
function target(collection: string, days: number, dates: number[], calls: number[] = []): RetentionTarget & { rows: number[] } {
  const rows = [...dates];
  return {
    collection,
    days,
    rows,
    deleteBatch: async (cutoff, limit) => {
      calls.push(limit);
      const old = rows.filter((at) => at < cutoff.getTime()).slice(0, limit);
      for (const at of old) rows.splice(rows.indexOf(at), 1);
      return old.length;
    },
  };
}

const DAY = 86_400_000;
const now = new Date('2026-12-07T00:00:00Z');
const logger = (events: unknown[][] = []) => ({ event: (...args: unknown[]) => events.push(args) }) as unknown as JsonLogger;

describe('retentionCutoff', () => {
  it('is the given number of whole days before now', () => {
    expect(retentionCutoff(now, 30).toISOString()).toBe('2026-11-07T00:00:00.000Z');
    expect(retentionCutoff(now, 1).toISOString()).toBe('2026-12-06T00:00:00.000Z');
  });

  it('refuses less than a day or a fraction, which would delete what was just written', () => {
    expect(() => retentionCutoff(now, 0)).toThrow(/at least 1/);
    expect(() => retentionCutoff(now, 1.5)).toThrow(/whole number/);
  });
});

describe('RetentionSweeper', () => {
  it('empties each backlog in bounded batches, keeps rows within their days, and logs the counts', async () => {
    const calls: number[] = [];
    const history = target('alert_history', 30, [now.getTime() - 31 * DAY, now.getTime() - 40 * DAY, now.getTime() - 45 * DAY, now.getTime() - 29 * DAY, now.getTime()], calls);
    const ledger = target('delivery_ledger', 8, [now.getTime() - 7 * DAY]);
    const events: unknown[][] = [];
    const sweeper = new RetentionSweeper([history, ledger], { intervalMs: 60_000, batchSize: 2 }, logger(events));

    expect(await sweeper.sweep(now)).toEqual({ alert_history: 3, delivery_ledger: 0 });
    expect(history.rows).toEqual([now.getTime() - 29 * DAY, now.getTime()]);
    expect(ledger.rows).toHaveLength(1);
    // Two full batches, then one short batch that ends the backlog.
    expect(calls).toEqual([2, 2]);
    expect(events).toEqual([['info', 'retention: old rows deleted', { collection: 'alert_history', deleted: 3, before: '2026-11-07T00:00:00.000Z' }]]);
  });

  it('sweeps at start-up and then every interval, and waits for a running pass on shutdown', async () => {
    jest.useFakeTimers();
    try {
      const rows = target('deliveries', 1, []);
      const sweep = jest.fn(rows.deleteBatch);
      const sweeper = new RetentionSweeper([{ ...rows, deleteBatch: sweep }], { intervalMs: 1_000, batchSize: 10 }, logger());
      sweeper.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(sweep).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(sweep).toHaveBeenCalledTimes(2);
      await sweeper.beforeApplicationShutdown();
      await jest.advanceTimersByTimeAsync(5_000);
      expect(sweep).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('logs a failing pass and tries again at the next', async () => {
    jest.useFakeTimers();
    try {
      const events: unknown[][] = [];
      const deleteBatch = jest.fn().mockRejectedValueOnce(new Error('server away')).mockResolvedValue(0);
      const sweeper = new RetentionSweeper([{ collection: 'deliveries', days: 1, deleteBatch }], { intervalMs: 1_000, batchSize: 10 }, logger(events));
      sweeper.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(1_000);
      expect(deleteBatch).toHaveBeenCalledTimes(2);
      expect(events).toEqual([['warn', 'retention sweep failed; retrying at the next pass', { error: 'Error: server away' }]]);
      await sweeper.beforeApplicationShutdown();
    } finally {
      jest.useRealTimers();
    }
  });
});
