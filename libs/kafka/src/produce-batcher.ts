import { PRODUCE_LIMITS, type EventPublisher, type PublishSend } from './event.publisher';

export interface ProduceBatcherOptions {
  /** How long the first send of a batch waits for others to join it (kafkajs has no producer linger). */
  lingerMs: number;
  /** Messages waiting or in flight beyond which `add` is refused at once (Kafka is slower than the callers). */
  maxPendingMessages: number;
  /**
   * A batch takes whole callers up to this many messages (one at least), and leaves without
   * lingering once that many wait. Batches of about one produce request keep callers' answers
   * coming while the next batch is sent, and a failed request fails only the callers in it.
   */
  maxBatchMessages?: number;
}

/** Refused because too much is already waiting for Kafka; the caller should answer 503 and be retried. */
export class ProduceBacklogFullError extends Error {
  override readonly name = 'ProduceBacklogFullError';
}

interface Waiting {
  sends: readonly PublishSend[];
  messages: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Lets concurrent callers share produce requests: what arrives within `lingerMs` of a batch's first
 * send goes out together through `publishAll`, and every caller's promise settles with its batch —
 * resolved once all of the batch is acknowledged, rejected with the batch's error if any part
 * failed. One batch is in flight at a time; what arrives meanwhile forms the next, which leaves as
 * soon as the first is done and its own linger has passed (or it is full).
 */
export class ProduceBatcher {
  private waiting: Waiting[] = [];
  private waitingMessages = 0;
  private inFlightMessages = 0;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private due = false;
  private draining = false;
  private readonly maxBatchMessages: number;

  constructor(
    private readonly publisher: Pick<EventPublisher, 'publishAll'>,
    private readonly options: ProduceBatcherOptions,
  ) {
    this.maxBatchMessages = options.maxBatchMessages ?? PRODUCE_LIMITS.maxMessages;
  }

  /** Resolves when every message of `sends` has been acknowledged by Kafka. */
  add(sends: readonly PublishSend[]): Promise<void> {
    const messages = sends.reduce((sum, send) => sum + send.events.length, 0);
    if (messages === 0) return Promise.resolve();
    const pending = this.waitingMessages + this.inFlightMessages;
    if (pending > 0 && pending + messages > this.options.maxPendingMessages) {
      return Promise.reject(new ProduceBacklogFullError(`${pending} messages are waiting for Kafka; retry later`));
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ sends, messages, resolve, reject });
      this.waitingMessages += messages;
      if (this.draining) this.due = true;
      else if (this.waitingMessages >= this.maxBatchMessages) this.lingered();
      else if (!this.timer && !this.due) this.timer = setTimeout(() => this.lingered(), this.options.lingerMs);
      this.flush();
    });
  }

  /** Messages waiting or in flight. */
  pendingMessages(): number {
    return this.waitingMessages + this.inFlightMessages;
  }

  /** Stops lingering and resolves once nothing is waiting or in flight (graceful shutdown). */
  async drain(): Promise<void> {
    this.draining = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.waiting.length > 0) this.due = true;
      this.flush();
      if (!this.inFlight) return;
      await this.inFlight;
    }
  }

  private lingered(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = true;
    this.flush();
  }

  private flush(): void {
    if (this.inFlight || !this.due || this.waiting.length === 0) return;
    let taken = 0;
    let messages = 0;
    while (taken < this.waiting.length && (taken === 0 || messages + this.waiting[taken]!.messages <= this.maxBatchMessages)) {
      messages += this.waiting[taken]!.messages;
      taken += 1;
    }
    const batch = this.waiting.splice(0, taken);
    // Those left over waited through the same linger: they leave next.
    this.due = this.waiting.length > 0;
    this.inFlightMessages = messages;
    this.waitingMessages -= messages;
    const sends = batch.flatMap((waiting) => waiting.sends);
    this.inFlight = this.publisher.publishAll(sends).then(
      () => this.settle(batch, (waiting) => waiting.resolve()),
      (error: unknown) => this.settle(batch, (waiting) => waiting.reject(error)),
    );
  }

  private settle(batch: readonly Waiting[], outcome: (waiting: Waiting) => void): void {
    this.inFlight = undefined;
    this.inFlightMessages = 0;
    for (const waiting of batch) outcome(waiting);
    // A batch that formed meanwhile leaves now if its linger has passed or it is full (or once it is).
    if ((this.draining || this.waitingMessages >= this.maxBatchMessages) && this.waiting.length > 0) this.due = true;
    this.flush();
  }
}
