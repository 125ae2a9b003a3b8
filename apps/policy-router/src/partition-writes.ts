/** The input offset (of one of the co-partitioned topics read) before which a step is done once its write is acknowledged. */
export interface InputOffset {
  topic: string;
  offset: string;
}

interface Queued<T> {
  item: T;
  upTo: InputOffset | undefined;
  assignment: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Settles with the item's write, never rejecting. */
  done: Promise<void>;
}

interface Lane<T> {
  /** Oldest first: those in the write under way, then those waiting for the next. */
  unsettled: Queued<T>[];
  inFlight: number;
}

/**
 * Each partition's writes, in order, coalesced: while one write is under way, the items queued
 * meanwhile wait, and go together in the next one. So a key's changelog records reach Kafka in the
 * order they were made, and a busy partition makes one round trip per write, not per step.
 * Per partition, it also knows the input offset up to which every write is acknowledged: offsets
 * are committed no further.
 */
export class PartitionWrites<T> {
  private readonly lanes = new Map<number, Lane<T>>();
  /** `topic/partition` → the offset after the last acknowledged step. */
  private readonly acked = new Map<string, string>();
  private assignment = 0;

  /**
   * `write` makes the items durable (in one go, or throws for them all). A write takes the items
   * waiting, oldest first, while their `weigh`t stays within `maxWeight` (one at least).
   */
  constructor(
    private readonly write: (partition: number, items: readonly T[]) => Promise<void>,
    private readonly limit: { maxWeight: number; weigh: (item: T) => number } = { maxWeight: Infinity, weigh: () => 0 },
  ) {}

  /** Queues an item after the partition's earlier ones; resolves once its write is acknowledged. */
  enqueue(partition: number, item: T, upTo?: InputOffset): Promise<void> {
    let lane = this.lanes.get(partition);
    if (!lane) {
      lane = { unsettled: [], inFlight: 0 };
      this.lanes.set(partition, lane);
    }
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const result = new Promise<void>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    lane.unsettled.push({ item, upTo, assignment: this.assignment, resolve, reject, done: result.catch(() => undefined) });
    if (lane.inFlight === 0) void this.drain(partition, lane);
    return result;
  }

  /** Settles once every write queued on the partition so far has (never rejects). */
  settled(partition: number): Promise<void> {
    return this.lanes.get(partition)?.unsettled.at(-1)?.done ?? Promise.resolve();
  }

  /** Items queued on the partition and not yet settled. */
  pending(partition: number): number {
    return this.lanes.get(partition)?.unsettled.length ?? 0;
  }

  /** Settles once at most `count` of the items queued on the partition so far are unsettled. */
  atMost(partition: number, count: number): Promise<void> {
    const unsettled = this.lanes.get(partition)?.unsettled ?? [];
    return unsettled.length <= count ? Promise.resolve() : unsettled[unsettled.length - count - 1].done;
  }

  /** Settles once every write queued so far, on any partition, has. */
  async allSettled(): Promise<void> {
    await Promise.all([...this.lanes.keys()].map((partition) => this.settled(partition)));
  }

  /** How far the partition's offsets may be committed: null until a step with `upTo` is acknowledged. */
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

  private nextWrite(waiting: readonly Queued<T>[]): Queued<T>[] {
    let weight = this.limit.weigh(waiting[0].item);
    let count = 1;
    while (count < waiting.length && weight + this.limit.weigh(waiting[count].item) <= this.limit.maxWeight) weight += this.limit.weigh(waiting[count++].item);
    return waiting.slice(0, count);
  }

  private async drain(partition: number, lane: Lane<T>): Promise<void> {
    while (lane.unsettled.length > 0) {
      const taken = this.nextWrite(lane.unsettled);
      lane.inFlight = taken.length;
      let failure: { error: unknown } | undefined;
      try {
        await this.write(partition, taken.map((queued) => queued.item));
      } catch (error) {
        failure = { error };
      }
      lane.unsettled.splice(0, taken.length);
      lane.inFlight = 0;
      for (const queued of taken) {
        if (failure) {
          queued.reject(failure.error);
          continue;
        }
        if (queued.upTo !== undefined && queued.assignment === this.assignment) this.acked.set(`${queued.upTo.topic}/${partition}`, queued.upTo.offset);
        queued.resolve();
      }
    }
    if (this.lanes.get(partition) === lane) this.lanes.delete(partition);
  }
}
