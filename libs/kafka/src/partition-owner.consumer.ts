import type { Consumer, Kafka } from 'kafkajs';
import type { ReceivedMessage } from './event.consumer';

export interface PartitionOwnerConsumerOptions {
  groupId: string;
  topic: string;
  fromBeginning: boolean;
  /** How fast a dead replica's partitions move to a live one. */
  sessionTimeoutMs: number;
  partitionsConsumedConcurrently: number;
  handle: (message: ReceivedMessage, heartbeat: () => Promise<void>) => Promise<void>;
  /** Told each new assignment (an empty one when a rebalance starts or the consumer stops). */
  onAssignment?: (partitions: ReadonlySet<number>) => void;
}

/**
 * A kafkajs consumer that also says which partitions this replica owns right now. Nest's Kafka
 * transport hides the assignment; durable timers need it, so that exactly one replica fires each.
 * Between a rebalance starting and the new assignment, it owns nothing.
 */
export class PartitionOwnerConsumer {
  private readonly consumer: Consumer;
  private owned: ReadonlySet<number> = new Set();
  private joined = false;

  constructor(
    kafka: Kafka,
    private readonly options: PartitionOwnerConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 5)),
      // How long a rebalance waits for members to rejoin. kafkajs' 60 s default let a killed
      // replica, still listed when its restart joined, hold every partition for up to a minute;
      // handlers here are short (store and queue), so live members rejoin well within this.
      rebalanceTimeout: Math.max(10_000, 2 * options.sessionTimeoutMs),
      maxWaitTimeInMs: 100,
    });
    const { GROUP_JOIN, REBALANCING, STOP, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event) => {
      this.joined = true;
      this.assign(new Set(event.payload.memberAssignment[options.topic] ?? []));
    });
    for (const lost of [REBALANCING, STOP, CRASH]) this.consumer.on(lost, () => this.assign(new Set()));
  }

  /** Whether the group has been joined once: consuming has really begun. */
  hasJoined(): boolean {
    return this.joined;
  }

  ownedPartitions(): ReadonlySet<number> {
    return this.owned;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachMessage: ({ topic, partition, message, heartbeat }) =>
        this.options.handle({ topic, partition, offset: message.offset, key: message.key, value: message.value }, heartbeat),
    });
  }

  async stop(): Promise<void> {
    this.assign(new Set());
    await this.consumer.disconnect();
  }

  private assign(partitions: ReadonlySet<number>): void {
    this.owned = partitions;
    this.options.onAssignment?.(partitions);
  }
}
