export interface ScheduledFlush {
  at: number;
  partition: number;
  groupKey: string;
}

/**
 * Group timers as one min-heap with one `setTimeout` for the earliest, instead of a poll loop.
 * The heap is an index, not the truth: a group's next flush lives in its state (`flushAt`), and an
 * entry whose time no longer matches it is stale and skipped when it comes up (`isCurrent`).
 */
export class FlushSchedule {
  private readonly heap: ScheduledFlush[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    /** Told the due entries that are still current, earliest first. */
    private readonly fire: (due: ScheduledFlush[]) => void,
    private readonly isCurrent: (entry: ScheduledFlush) => boolean,
    private readonly clock: () => number = Date.now,
  ) {}

  add(entry: ScheduledFlush): void {
    if (this.stopped) return;
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    this.arm();
  }

  size(): number {
    return this.heap.length;
  }

  /** Drops every entry: a new assignment restores its partitions and schedules their groups again. */
  clear(): void {
    this.heap.length = 0;
    this.arm(true);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.heap.length = 0;
  }

  /** Pops every entry due at `now`, keeping those still current. */
  takeDue(now: number): ScheduledFlush[] {
    const due: ScheduledFlush[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const entry = this.pop();
      if (this.isCurrent(entry)) due.push(entry);
    }
    return due;
  }

  private arm(force = false): void {
    const next = this.heap[0]?.at ?? Number.POSITIVE_INFINITY;
    if (!force && next >= this.armedFor) return;
    clearTimeout(this.timer);
    this.armedFor = next;
    if (next === Number.POSITIVE_INFINITY || this.stopped) return;
    this.timer = setTimeout(() => {
      this.armedFor = Number.POSITIVE_INFINITY;
      const due = this.takeDue(this.clock());
      if (due.length > 0) this.fire(due);
      this.arm(true);
      // setTimeout takes at most 2^31-1 ms; a later timer fires early, finds nothing due and re-arms.
    }, Math.min(2 ** 31 - 1, Math.max(0, next - this.clock())));
  }

  private pop(): ScheduledFlush {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.at <= heap[index]!.at) return;
      [heap[parent], heap[index]] = [heap[index]!, heap[parent]!];
      index = parent;
    }
  }

  private down(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && heap[left]!.at < heap[smallest]!.at) smallest = left;
      if (right < heap.length && heap[right]!.at < heap[smallest]!.at) smallest = right;
      if (smallest === index) return;
      [heap[smallest], heap[index]] = [heap[index]!, heap[smallest]!];
      index = smallest;
    }
  }
}
