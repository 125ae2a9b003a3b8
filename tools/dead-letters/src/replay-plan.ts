/** One partition of the dead-letter topic to read: offsets [start, end). */
export interface PartitionRange {
  partition: number;
  start: string;
  end: string;
}

export interface PartitionOffsets {
  partition: number;
  /** The oldest offset still in the log. */
  low: string;
  /** The next offset to be written: the end as it is now. */
  high: string;
}

/**
 * Where a run reads each partition: from the group's committed offset (or the log's start when it
 * has none, or when `--from-beginning`), up to the end offsets taken at start. An offset the log
 * no longer holds (retention deleted it) is read from the oldest one kept. Partitions with nothing
 * to read are left out, so an empty result means there is nothing to do.
 */
export function planReading(offsets: readonly PartitionOffsets[], committed: ReadonlyMap<number, string>, fromBeginning: boolean): PartitionRange[] {
  const ranges: PartitionRange[] = [];
  for (const { partition, low, high } of offsets) {
    const done = fromBeginning ? undefined : committed.get(partition);
    const from = done === undefined || BigInt(done) < 0n ? BigInt(low) : BigInt(done) < BigInt(low) ? BigInt(low) : BigInt(done);
    if (from < BigInt(high)) ranges.push({ partition, start: from.toString(), end: high });
  }
  return ranges.sort((a, b) => a.partition - b.partition);
}
