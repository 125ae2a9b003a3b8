import { PRODUCE_LIMITS, encodeSend, type EventPublisher, type ProduceLimits, type PublishSend, type TopicMessages, type WireMessage } from './event.publisher';
import { wireBytes } from './message-size';

export interface ProduceBatcherOptions {
  /** How long the first send of a batch waits for others to join it (kafkajs has no producer linger). */
  lingerMs: number;
  /** Messages waiting or in flight beyond which `add` is refused at once (Kafka is slower than the callers). */
  maxPendingMessages: number;
  /**
   * A batch takes whole callers up to one produce request's worth (the publisher's PRODUCE_LIMITS by
   * default; one caller at least), and leaves without lingering once that much waits. A batch that
   * is one request gets one round trip; answers keep coming while the next batch is sent; and a
   * failed request fails only the callers in it.
   */
  maxBatch?: Partial<ProduceLimits>;
}

/** Refused because too much is already waiting for Kafka; the caller should answer 503 and be retried. */
export class ProduceBacklogFullError extends Error {
  override readonly name = 'ProduceBacklogFullError';
}

interface Waiting {
  topics: TopicMessages[];
  messages: number;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Lets concurrent callers share produce requests: what arrives within `lingerMs` of a batch's first
 * send goes out together, and every caller's promise settles with its batch — resolved once all of
 * the batch is acknowledged, rejected with the batch's error if any part failed. A caller's events
 * are parsed (unless marked valid) and serialized when it adds them, so a value that fails its
 * contract, or a message over MAX_MESSAGE_BYTES (MessageTooLargeError), fails that caller alone.
 * One batch is in flight at a time; what arrives meanwhile forms the next, which leaves as soon as
 * the first is done and its own linger has passed (or it is full).
 */
export class ProduceBatcher {
  private waiting: Waiting[] = [];
  private waitingMessages = 0;
  private waitingBytes = 0;
  private inFlightMessages = 0;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private due = false;
  private draining = false;
  private readonly maxBatch: ProduceLimits;

  constructor(
    private readonly publisher: Pick<EventPublisher, 'publishEncoded'>,
    private readonly options: ProduceBatcherOptions,
  ) {
    this.maxBatch = { ...PRODUCE_LIMITS, ...options.maxBatch };
  }

  /** Resolves when every message of `sends` has been acknowledged by Kafka. */
  add(sends: readonly PublishSend[]): Promise<void> {
    let topics: TopicMessages[];
    try {
      topics = sends.map(encodeSend);
    } catch (error) {
      return Promise.reject(error);
    }
    let messages = 0;
    let bytes = 0;
    for (const topic of topics) {
      messages += topic.messages.length;
      for (const message of topic.messages) bytes += wireBytes(message);
    }
    if (messages === 0) return Promise.resolve();
    const pending = this.waitingMessages + this.inFlightMessages;
    if (pending > 0 && pending + messages > this.options.maxPendingMessages) {
      return Promise.reject(new ProduceBacklogFullError(`${pending} messages are waiting for Kafka; retry later`));
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ topics, messages, bytes, resolve, reject });
      this.waitingMessages += messages;
      this.waitingBytes += bytes;
      if (this.draining) this.due = true;
      else if (this.full()) this.lingered();
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

  private full(): boolean {
    return this.waitingMessages >= this.maxBatch.maxMessages || this.waitingBytes >= this.maxBatch.maxBytes;
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
    let bytes = 0;
    for (const next of this.waiting) {
      if (taken > 0 && (messages + next.messages > this.maxBatch.maxMessages || bytes + next.bytes > this.maxBatch.maxBytes)) break;
      taken += 1;
      messages += next.messages;
      bytes += next.bytes;
    }
    const batch = this.waiting.splice(0, taken);
    // Those left over waited through the same linger: they leave next.
    this.due = this.waiting.length > 0;
    this.inFlightMessages = messages;
    this.waitingMessages -= messages;
    this.waitingBytes -= bytes;
    this.inFlight = this.publisher.publishEncoded(merge(batch)).then(
      () => this.settle(batch, (waiting) => waiting.resolve()),
      (error: unknown) => this.settle(batch, (waiting) => waiting.reject(error)),
    );
  }

  private settle(batch: readonly Waiting[], outcome: (waiting: Waiting) => void): void {
    this.inFlight = undefined;
    this.inFlightMessages = 0;
    for (const waiting of batch) outcome(waiting);
    // A batch that formed meanwhile leaves now if its linger has passed or it is full (or once it is).
    if ((this.draining || this.full()) && this.waiting.length > 0) this.due = true;
    this.flush();
  }
}

/** One list per topic, callers in the order they came (so each key's messages stay in order). */
function merge(batch: readonly Waiting[]): TopicMessages[] {
  const byTopic = new Map<string, WireMessage[]>();
  for (const waiting of batch) {
    for (const { topic, messages } of waiting.topics) {
      const list = byTopic.get(topic);
      if (list) for (const message of messages) list.push(message);
      else byTopic.set(topic, [...messages]);
    }
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
