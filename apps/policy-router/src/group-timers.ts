import { Injectable } from '@nestjs/common';
import { AlertGroupRepository } from '@alertlark/persistence';
import { JsonLogger } from '@alertlark/service-kit';

interface Timer {
  partition: number;
  flushAt: number;
}

/**
 * The due times of the groups on the partitions this replica owns, in memory. MongoDB keeps them
 * durably (`alert_groups.flushAt`); this index is loaded from it whenever Kafka assigns partitions,
 * so the flush loop never scans the collection (FerretDB's SQLite backend would, every time).
 * Writers (the second stage and the flush) update both.
 */
@Injectable()
export class GroupTimers {
  private readonly timers = new Map<string, Timer>();
  private owned: ReadonlySet<number> = new Set();
  private loaded = new Set<number>();
  private generation = 0;

  constructor(
    private readonly groups: AlertGroupRepository,
    private readonly logger: JsonLogger,
  ) {}

  /** A new assignment: forget what is no longer owned, load what is newly owned. */
  assign(partitions: ReadonlySet<number>): void {
    this.owned = partitions;
    const generation = ++this.generation;
    for (const [groupKey, timer] of this.timers) if (!partitions.has(timer.partition)) this.timers.delete(groupKey);
    this.loaded = new Set([...this.loaded].filter((partition) => partitions.has(partition)));
    const missing = [...partitions].filter((partition) => !this.loaded.has(partition));
    if (missing.length > 0) void this.load(missing, generation);
  }

  private async load(partitions: number[], generation: number): Promise<void> {
    for (let attempt = 1; generation === this.generation; attempt++) {
      try {
        const stored = await this.groups.timersOf(partitions);
        if (generation !== this.generation) return;
        // A timer the second stage set while this was loading is newer than the stored one.
        for (const timer of stored) if (timer.flushAt !== null && !this.timers.has(timer.groupKey)) this.timers.set(timer.groupKey, { partition: timer.partition, flushAt: timer.flushAt });
        for (const partition of partitions) this.loaded.add(partition);
        this.logger.event('info', 'group timers loaded', { partitions, timers: stored.length });
        return;
      } catch (error) {
        this.logger.event('error', 'loading group timers failed; retrying', { partitions, attempt, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * attempt)));
      }
    }
  }

  set(groupKey: string, partition: number, flushAt: number | null): void {
    if (flushAt === null || !this.owned.has(partition)) this.timers.delete(groupKey);
    else this.timers.set(groupKey, { partition, flushAt });
  }

  /** The timer this replica holds for a group: newer than the stored one after quiet flushes. */
  get(groupKey: string): number | undefined {
    return this.timers.get(groupKey)?.flushAt;
  }

  /** Due groups of loaded partitions, earliest first. */
  due(now: number): { groupKey: string; partition: number }[] {
    const due: { groupKey: string; partition: number; flushAt: number }[] = [];
    for (const [groupKey, timer] of this.timers) if (timer.flushAt <= now && this.loaded.has(timer.partition)) due.push({ groupKey, ...timer });
    return due.sort((a, b) => a.flushAt - b.flushAt).map(({ groupKey, partition }) => ({ groupKey, partition }));
  }

  owns(partition: number): boolean {
    return this.owned.has(partition) && this.loaded.has(partition);
  }

  size(): number {
    return this.timers.size;
  }
}
