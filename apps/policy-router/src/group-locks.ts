import { Injectable } from '@nestjs/common';

/**
 * Serialises work on one group inside this replica: the grouped-alerts consumer (several
 * partitions at once) and the flush loop never interleave their reads and writes of a group.
 */
@Injectable()
export class GroupLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(groupKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(groupKey) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(groupKey, tail);
    void tail.then(() => {
      if (this.tails.get(groupKey) === tail) this.tails.delete(groupKey);
    });
    return result;
  }
}
