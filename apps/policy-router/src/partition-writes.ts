/**
 * Each partition's writes, in order: one starts once the one before it has settled, so a key's
 * changelog records reach Kafka in the order they were made, while the router goes on applying
 * the next batch. Per partition, it also knows the input offset up to which every write is
 * acknowledged: offsets are committed no further.
 */
export class PartitionWrites {
  private readonly tails = new Map<number, Promise<void>>();
  /** `topic/partition` → the offset after the last acknowledged batch. */
  private readonly acked = new Map<string, string>();
  private assignment = 0;

  /**
   * Queues a write after the partition's earlier ones; resolves once it is acknowledged. `upTo`:
   * the input offset (of one of the co-partitioned topics read) before which everything is done
   * once this write is acknowledged.
   */
  enqueue(partition: number, write: () => Promise<void>, upTo?: { topic: string; offset: string }): Promise<void> {
    const assignment = this.assignment;
    const result = this.settled(partition)
      .then(write)
      .then(() => {
        if (upTo !== undefined && assignment === this.assignment) this.acked.set(`${upTo.topic}/${partition}`, upTo.offset);
      });
    const tail = result.catch(() => undefined);
    this.tails.set(partition, tail);
    void tail.then(() => {
      if (this.tails.get(partition) === tail) this.tails.delete(partition);
    });
    return result;
  }

  /** Settles once every write queued on the partition so far has (never rejects). */
  settled(partition: number): Promise<void> {
    return this.tails.get(partition) ?? Promise.resolve();
  }

  /** Settles once every write queued so far, on any partition, has. */
  async allSettled(): Promise<void> {
    await Promise.all(this.tails.values());
  }

  /** How far the partition's offsets may be committed: null until a write with `upTo` is acknowledged. */
  committable(topic: string, partition: number): string | null {
    return this.acked.get(`${topic}/${partition}`) ?? null;
  }

  /**
   * A new assignment: what was acknowledged before counts no more, nor do writes still in flight
   * (the partition is read again from its committed offset).
   */
  reassigned(): void {
    this.assignment++;
    this.acked.clear();
  }
}
