import { Injectable } from '@nestjs/common';

/**
 * How far each partition of the notifications topic is finished: a notification is finished once
 * delivered, failed for good or dead-lettered (or found in the ledger). Offsets are committed only
 * up to the oldest unfinished one, so the queues need no durable copy: a replica that takes a
 * partition over reads again from there, and the ledger drops what was finished meanwhile.
 */
@Injectable()
export class PartitionProgress {
  /** Per partition: offsets taken in, oldest first, with whether each is finished. */
  private readonly partitions = new Map<number, { offsets: number[]; finished: Set<number>; next: number }>();

  /** A notification taken in at this offset (offsets of a partition come in ascending order). */
  take(partition: number, offset: number): void {
    let progress = this.partitions.get(partition);
    if (!progress) this.partitions.set(partition, (progress = { offsets: [], finished: new Set(), next: offset }));
    // A batch handled again (its first try failed) brings offsets already taken.
    if (offset < progress.next && progress.offsets.length + progress.finished.size > 0) return;
    progress.offsets.push(offset);
    progress.next = Math.max(progress.next, offset + 1);
  }

  finish(partition: number, offset: number): void {
    const progress = this.partitions.get(partition);
    if (!progress) return;
    progress.finished.add(offset);
    // Drop the finished head, so the oldest unfinished offset is always first.
    while (progress.offsets.length > 0 && progress.finished.has(progress.offsets[0]!)) progress.finished.delete(progress.offsets.shift()!);
  }

  /** The offset the partition may be committed up to; null while nothing was taken in since the assignment. */
  committable(partition: number): string | null {
    const progress = this.partitions.get(partition);
    if (!progress) return null;
    return String(progress.offsets[0] ?? progress.next);
  }

  /** A new assignment: Kafka hands every partition again from its committed offset. */
  reset(): void {
    this.partitions.clear();
  }

  unfinished(): number {
    let count = 0;
    for (const progress of this.partitions.values()) count += progress.offsets.length;
    return count;
  }
}
