import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Model } from 'mongoose';
import type { JsonLogger } from '@alertlark/service-kit';

const DAY_MS = 86_400_000;
/** Rows per delete: small enough that one batch never holds the server for long. */
const BATCH_SIZE = 500;

/** Rows older than this are due: `days` whole days before `now`. */
export function retentionCutoff(now: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`retention must be a whole number of days, at least 1 (got ${days})`);
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Deletes up to `limit` rows whose `field` is before `cutoff`; how many went. The ids are read
 * first and deleted by id, so one call is bounded whatever the backlog. The date is checked
 * again in the delete; another replica deleting the same rows meanwhile only lowers the count.
 */
export async function deleteOlderThan<T>(model: Model<T>, field: string, cutoff: Date, limit: number): Promise<number> {
  const old = { [field]: { $lt: cutoff } };
  const ids = await model.find(old, { _id: 1 }).limit(limit).lean<{ _id: unknown }[]>().exec();
  if (ids.length === 0) return 0;
  const { deletedCount } = await model.deleteMany({ _id: { $in: ids.map((row) => row._id) }, ...old }).exec();
  return deletedCount;
}

/** One collection the sweeper keeps for `days`: `deleteBatch` is deleteOlderThan on it. */
export interface RetentionTarget {
  collection: string;
  days: number;
  deleteBatch(cutoff: Date, limit: number): Promise<number>;
}

export interface RetentionOptions {
  /** 0: never sweep. */
  intervalMs: number;
  batchSize?: number;
}

/**
 * Deletes rows past their retention, since FerretDB (the local stack's server) has no TTL
 * indexes: a pass at start-up, then one every `intervalMs`, each emptying every target's backlog
 * a batch at a time. Safe with several replicas: deleting is idempotent, so passes that overlap
 * only share the work. A failing pass is logged and retried at the next.
 */
export class RetentionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly batchSize: number;

  constructor(
    private readonly targets: readonly RetentionTarget[],
    private readonly options: RetentionOptions,
    private readonly logger: JsonLogger,
  ) {
    this.batchSize = options.batchSize ?? BATCH_SIZE;
  }

  onApplicationBootstrap(): void {
    if (this.options.intervalMs === 0) return;
    const tick = () => {
      this.running = this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.event('warn', 'retention sweep failed; retrying at the next pass', { error: String(error) }))
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, this.options.intervalMs);
          this.timer.unref();
        });
    };
    tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every target: how many rows each lost. */
  async sweep(now = new Date()): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const target of this.targets) {
      const cutoff = retentionCutoff(now, target.days);
      let count = 0;
      for (;;) {
        const batch = await target.deleteBatch(cutoff, this.batchSize);
        count += batch;
        if (batch < this.batchSize || this.stopped) break;
      }
      deleted[target.collection] = count;
      if (count > 0) this.logger.event('info', 'retention: old rows deleted', { collection: target.collection, deleted: count, before: cutoff.toISOString() });
    }
    return deleted;
  }
}
