import { randomUUID } from 'node:crypto';
import { PartitionAssigners, type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { EVENTS, type EventContract } from '@alertlark/contracts';
import { coPartitionedAssigner } from './co-partitioned.assigner';
import { fitDeadLetter } from './dead-letter.fit';
import { decodeEvent } from './decode';
import type { EventPublisher } from './event.publisher';
import { TOPIC_MAX_MESSAGE_BYTES } from './message-size';

/** Thrown by a handler for input that will never succeed; the message goes to the dead-letter topic. */
export class PermanentEventError extends Error {}


/** One decoded message. `value` is null only for a tombstone on a compacted topic. */
export interface ConsumedEvent<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
}

export interface ConsumedBatch<T> {
  topic: string;
  partition: number;
  /** The batch's messages that passed their contract, in offset order; the others are dead-lettered already. */
  events: ConsumedEvent<T>[];
  /** How many of the batch's messages failed their contract: they are not in `events`. */
  invalid: number;
  /** The offset after the batch's last message, valid or not: where the partition is committed to once the batch is done. */
  nextOffset: string;
  /** Sends one message to the dead-letter topic with the reason, before the batch's offsets are committed. */
  deadLetter(event: ConsumedEvent<T>, reason: string): void;
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or lost the partition: long work should give up. */
  isRunning(): boolean;
  /**
   * Stops fetching this partition (the batch in hand still ends as usual); call the returned
   * function to fetch it again. For a handler that returns before its batch's effects are durable:
   * the partition waits, while the one fetch loop that every partition shares goes on.
   */
  pause(): () => void;
}

type ValueOf<C extends EventContract> = C extends { compacted: true } ? z.output<C['schema']> | null : z.output<C['schema']>;

export interface ConsumerDeclaration<C extends EventContract> {
  /** Names the consumer in logs and dead-letter entries. */
  name: string;
  groupId: string;
  contracts: readonly C[];
  fromBeginning: boolean;
  /**
   * Where dead letters go. `null`: a message that fails its contract or that the handler rejects is
   * logged and skipped, for a reader that reads a topic again at every start and would dead-letter
   * the same message each time (the config feed, a rebuild whose live consumer dead-lettered it).
   */
  publisher: EventPublisher | null;
  log: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
  /**
   * Called with each batch of one partition. It resolves once the batch's effects are durable
   * (its outputs acknowledged); only then are its offsets committed. A throw is retried with
   * backoff on the same batch, holding that partition only; `PermanentEventError` dead-letters
   * the whole batch instead.
   */
  handleBatch: (batch: ConsumedBatch<ValueOf<C>>) => Promise<void>;
  /** Told the partitions of the first contract's topic this member owns after each rebalance. */
  onAssignment?: (partitions: ReadonlySet<number>) => void;
  /** Told when a rebalance starts or the consumer stops: from now on it owns nothing. */
  onRevocation?: () => void;
  /** How fast a dead member's partitions move to a live one (default 10 s). */
  sessionTimeoutMs?: number;
  /** Offsets are committed on this interval, off the batch path (default 1 s). */
  commitIntervalMs?: number;
  partitionsConsumedConcurrently?: number;
  /**
   * Partition p of every topic goes to the member that owns partition p of the first: for topics
   * partitioned alike whose messages belong together (alerts and actions, by team). Round-robin
   * stays the fallback, chosen only while a member that does not offer this one is in the group
   * (a rolling update), when partition p of two topics may be owned apart.
   */
  coPartitioned?: boolean;
  /**
   * Read to the end offsets present at start, then stop: a rebuild or a restore is the live
   * consumer run to the end. With `partitions`, only those partitions of the first topic are read;
   * without, every topic. Messages past the end are left out, and so are refetched ones already handled.
   * Such a run uses a throwaway group and commits nothing.
   */
  untilEnd?: { partitions?: ReadonlySet<number> };
  /**
   * Read every topic from its beginning in a throwaway group that commits nothing, and keep
   * following: `onCaughtUp` is called once the end offsets present at start are handled (at once
   * when there were none). For state every member folds into memory at each start (the config feed).
   */
  catchUp?: { onCaughtUp: () => void };
  maxBackoffMs?: number;
  /**
   * At most this many bytes per fetch (kafkajs' default is 10 MB), 1 MiB of them per partition;
   * left unset, a partition may return a batch as large as a topic takes (TOPIC_MAX_MESSAGE_BYTES).
   * What a fetch decodes stays alive until its batches are handled, so a consumer that keeps large
   * state in memory takes smaller fetches: less of each one survives into V8's old space. Only for
   * topics of small messages: the publisher keeps batches of several messages within 512 KiB, but a
   * lone message over 1 MiB is read only when its partition comes first in a fetch (KIP-74).
   */
  maxBytesPerFetch?: number;
  /**
   * Off the latency path (read models): the broker holds a fetch until this many bytes are there or
   * `maxWaitMs` (default 100) passed, so each batch is a larger bulk write. The fetch returns at
   * once with data otherwise (1 byte).
   */
  gather?: { minBytes: number; maxWaitMs: number };
  /**
   * For handlers that finish a message after its batch resolved (lark-sender keeps notifications
   * queued until Lark took them): the offset this partition may be committed up to now, or null to
   * commit nothing there yet. A commit never goes past it, so a member that dies leaves its
   * successor to read again everything not finished.
   */
  committable?: (topic: string, partition: number) => string | null;
}

const text = (value: Buffer | string | null): string | null => (value === null ? null : value.toString());

/**
 * The one way every Alertlark service consumes Kafka: the group, the contracts, the batch handler,
 * dead-lettering, rebalance settings, commits and graceful shutdown, declared together. Messages
 * are decoded against their topic's contract; one that fails goes to the dead-letter topic with
 * the reason and never reaches the handler or stops the partition.
 */
export class BatchConsumer<C extends EventContract> {
  /** The group joined: the declared one, or for `untilEnd` and `catchUp` a throwaway one named after it. */
  readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly contracts: Map<string, C>;
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  /** `topic/partition` whose starting position this member has committed since its last assignment. */
  private readonly pinned = new Set<string>();
  private commitTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Crashes kafkajs would not restart from since the group was last joined: the backoff grows with them. */
  private crashes = 0;
  private committing: Promise<void> = Promise.resolve();
  private joined = false;
  private stopping = false;
  /** `topic/partition` → the end offset to reach, while it is not reached. */
  private endOffsets: Map<string, number> | undefined;
  private finished: (() => void) | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly declaration: ConsumerDeclaration<C>,
  ) {
    this.contracts = new Map(declaration.contracts.map((contract) => [contract.topic, contract]));
    const sessionTimeout = declaration.sessionTimeoutMs ?? 10_000;
    this.groupId = this.throwaway() ? `${declaration.groupId}.${randomUUID()}` : declaration.groupId;
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 5)),
      // How long a rebalance waits for members to rejoin: kafkajs' 60 s default let a killed
      // member, still listed when its restart joined, hold every partition for a minute.
      rebalanceTimeout: Math.max(10_000, 2 * sessionTimeout),
      maxWaitTimeInMs: declaration.gather?.maxWaitMs ?? 100,
      ...(declaration.coPartitioned ? { partitionAssigners: [coPartitionedAssigner, PartitionAssigners.roundRobin] } : {}),
      ...(declaration.gather ? { minBytes: declaration.gather.minBytes } : {}),
      // The broker returns a partition's batch larger than this whole only when that partition is the
      // first with data in the fetch; elsewhere kafkajs drops the cut batch, and the partition waits.
      maxBytesPerPartition: declaration.maxBytesPerFetch ? Math.min(1_048_576, declaration.maxBytesPerFetch) : TOPIC_MAX_MESSAGE_BYTES,
      ...(declaration.maxBytesPerFetch ? { maxBytes: declaration.maxBytesPerFetch } : {}),
    });
    const firstTopic = declaration.contracts[0]!.topic;
    const { GROUP_JOIN, REBALANCING, STOP, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event) => {
      this.joined = true;
      this.crashes = 0;
      this.pinned.clear();
      for (const [key, entry] of this.pending) if (!(event.payload.memberAssignment[entry.topic] ?? []).includes(entry.partition)) this.pending.delete(key);
      if (this.declaration.untilEnd) this.pauseUnwanted(event.payload.memberAssignment);
      else this.declaration.onAssignment?.(new Set(event.payload.memberAssignment[firstTopic] ?? []));
    });
    for (const lost of [REBALANCING, STOP, CRASH]) this.consumer.on(lost, () => this.declaration.onRevocation?.());
    this.consumer.on(CRASH, (event) => {
      if (!event.payload.restart && !this.stopping) this.restartAfterCrash(event.payload.error);
    });
  }

  /** The group has been joined once: consuming has really begun. */
  hasJoined(): boolean {
    return this.joined;
  }

  /**
   * Starts consuming; for an `untilEnd` run, resolves once everything present at start was handled
   * (or `stop()` was called first).
   */
  async run(): Promise<void> {
    const end = this.throwaway() ? await this.prepareEnd() : undefined;
    await this.consumer.connect();
    for (const contract of this.declaration.contracts) await this.consumer.subscribe({ topic: contract.topic, fromBeginning: this.throwaway() ? true : this.declaration.fromBeginning });
    await this.consume();
    if (!this.throwaway()) this.scheduleCommit();
    const catchUp = this.declaration.catchUp;
    if (end && catchUp) void end.reached.then(() => catchUp.onCaughtUp());
    if (end && this.declaration.untilEnd) {
      await end.reached;
      if (this.stopping) return;
      // Not from inside a batch: stopping waits for the running batch to finish.
      await new Promise((resolve) => setImmediate(resolve));
      await this.stop();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    // An `untilEnd` run waiting for its end returns.
    if (this.declaration.untilEnd) this.finished?.();
    clearTimeout(this.commitTimer);
    // Commits go while the group is still joined: what is done now, then each batch in flight as it
    // ends (see onBatch); kafkajs leaves the group as soon as the last one has.
    await this.committing;
    if (!this.throwaway()) await this.commitPending();
    await this.consumer.stop().catch(() => undefined);
    await this.consumer.disconnect();
  }

  private async consume(): Promise<void> {
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.declaration.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * kafkajs starts a crashed consumer again only after an error it counts as retriable. Others
   * happen while a broker restarts (the group coordinator not found as the group rejoins), and the
   * consumer then stayed stopped for good: the service consumed nothing and still looked healthy.
   * kafkajs has disconnected it already; it joins the group again as a new member.
   */
  private restartAfterCrash(error: unknown): void {
    const delayMs = Math.min(this.declaration.maxBackoffMs ?? 10_000, 500 * 2 ** Math.min(this.crashes++, 10));
    this.declaration.log('error', 'consumer stopped on an error kafkajs does not restart from; starting it again', { consumer: this.declaration.name, error: String(error), delayMs });
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.consumer.connect().then(() => this.consume()).catch((failure: unknown) => {
        if (!this.stopping) this.restartAfterCrash(failure);
      });
    }, delayMs);
  }

  private throwaway(): boolean {
    return this.declaration.untilEnd !== undefined || this.declaration.catchUp !== undefined;
  }

  /** Reads the end offsets to reach; `reached` resolves when they are. */
  private async prepareEnd(): Promise<{ reached: Promise<void> }> {
    const wanted = this.declaration.untilEnd?.partitions;
    const topics = wanted ? [this.declaration.contracts[0]!.topic] : this.declaration.contracts.map((contract) => contract.topic);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      this.endOffsets = new Map();
      for (const topic of topics) {
        for (const entry of await admin.fetchTopicOffsets(topic)) {
          if ((wanted ? wanted.has(entry.partition) : true) && Number(entry.high) > Number(entry.low)) this.endOffsets.set(`${topic}/${entry.partition}`, Number(entry.high));
        }
      }
    } finally {
      await admin.disconnect();
    }
    if (this.endOffsets.size === 0) return { reached: Promise.resolve() };
    return { reached: new Promise<void>((resolve) => (this.finished = resolve)) };
  }

  private pauseUnwanted(assignment: Record<string, number[]>): void {
    const wanted = this.endOffsets;
    if (!wanted) return;
    for (const [topic, partitions] of Object.entries(assignment)) {
      const idle = partitions.filter((partition) => !wanted.has(`${topic}/${partition}`));
      if (idle.length > 0) this.consumer.pause([{ topic, partitions: idle }]);
    }
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale, pause, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const contract = this.contracts.get(batch.topic);
    const key = `${batch.topic}/${batch.partition}`;
    if (!contract || (this.declaration.untilEnd && !this.endOffsets?.has(key))) return;
    const messages = this.declaration.untilEnd ? this.belowEnd(key, batch.messages) : batch.messages;
    if (messages.length === 0) return;
    const events: ConsumedEvent<ValueOf<C>>[] = [];
    const deadLetters: { message: KafkaMessage; reason: string }[] = [];
    for (const message of messages) {
      if (message.value === null && contract.compacted) {
        events.push({ topic: batch.topic, partition: batch.partition, offset: message.offset, key: text(message.key), value: null as ValueOf<C> });
        continue;
      }
      const decoded = decodeEvent(contract.schema, message.value);
      if (decoded.ok) events.push({ topic: batch.topic, partition: batch.partition, offset: message.offset, key: text(message.key), value: decoded.value as ValueOf<C> });
      else deadLetters.push({ message, reason: decoded.reason });
    }
    const running = () => isRunning() && !isStale() && !this.stopping;
    if (!this.throwaway() && !this.pinned.has(key)) await this.pin(batch.topic, batch.partition, messages[0]!.offset);
    await this.retrying(batch.topic, batch.partition, heartbeat, running, async () => {
      const rejected: { message: KafkaMessage; reason: string }[] = [];
      const byOffset = new Map(messages.map((message) => [message.offset, message]));
      try {
        await this.declaration.handleBatch({
          topic: batch.topic,
          partition: batch.partition,
          events,
          invalid: deadLetters.length,
          nextOffset: String(Number(messages[messages.length - 1]!.offset) + 1),
          deadLetter: (event, reason) => rejected.push({ message: byOffset.get(event.offset)!, reason }),
          heartbeat,
          isRunning: running,
          pause,
        });
      } catch (error) {
        if (!(error instanceof PermanentEventError)) throw error;
        for (const event of events) rejected.push({ message: byOffset.get(event.offset)!, reason: error.message });
      }
      await this.deadLetter(batch.topic, batch.partition, [...deadLetters, ...rejected]);
    });
    const last = messages[messages.length - 1]!.offset;
    this.pending.set(key, { topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) });
    // Stopping: kafkajs' consumer.commitOffsets does nothing any more, the batch's own commit still goes.
    if (this.stopping && !this.throwaway()) await this.commitPending((offsets) => commitOffsetsIfNecessary({ topics: offsets.map(({ topic, partition, offset }) => ({ topic, partitions: [{ partition, offset }] })) }));
    this.checkEnd(key, Number(last));
  }

  /**
   * Commits where this member starts on a partition, before it handles anything there. A group with
   * no committed offset starts where `fromBeginning` says (the log's end when false): a member killed
   * before its first interval commit would leave its successor to skip what it was handling.
   */
  private async pin(topic: string, partition: number, offset: string): Promise<void> {
    try {
      await this.consumer.commitOffsets([{ topic, partition, offset }]);
      this.pinned.add(`${topic}/${partition}`);
    } catch (error) {
      this.declaration.log('warn', 'offset commit failed; retrying', { consumer: this.declaration.name, topic, partition, error: String(error) });
    }
  }

  /** An `untilEnd` batch without what lies past the end or was handled already (a refetch). */
  private belowEnd(key: string, messages: KafkaMessage[]): KafkaMessage[] {
    const end = this.endOffsets?.get(key) ?? 0;
    const next = Number(this.pending.get(key)?.offset ?? 0);
    return messages.filter((message) => Number(message.offset) < end && Number(message.offset) >= next);
  }

  private checkEnd(key: string, lastOffset: number): void {
    const ends = this.endOffsets;
    if (!ends) return;
    const end = ends.get(key);
    if (end !== undefined && lastOffset + 1 >= end) ends.delete(key);
    if (ends.size === 0) this.finished?.();
  }

  /** Retries the batch with backoff, heartbeating, until it succeeds or the partition is lost. */
  private async retrying(topic: string, partition: number, heartbeat: () => Promise<void>, running: () => boolean, work: () => Promise<void>): Promise<void> {
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await work();
          return;
        } catch (error) {
          this.declaration.log('error', 'batch failed; retrying', { consumer: this.declaration.name, topic, partition, attempt, error: String(error) });
          if (!running()) throw error;
          const delay = Math.min(this.declaration.maxBackoffMs ?? 10_000, 100 * 2 ** Math.min(attempt, 10));
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    } finally {
      clearInterval(beat);
    }
  }

  private async deadLetter(topic: string, partition: number, entries: readonly { message: KafkaMessage; reason: string }[]): Promise<void> {
    if (entries.length === 0) return;
    const publisher = this.declaration.publisher;
    if (!publisher) {
      for (const { message, reason } of entries) this.declaration.log('warn', 'message skipped', { consumer: this.declaration.name, topic, partition, offset: message.offset, reason });
      return;
    }
    const at = new Date().toISOString();
    const letters = entries.flatMap(({ message, reason }) => {
      const key = `${topic}/${partition}/${message.offset}`;
      const fields = { consumer: this.declaration.name, topic, partition, offset: message.offset, reason };
      // A message near the topic's limit is larger once escaped into an entry: its value is cut to fit.
      const value = fitDeadLetter(key, { sourceTopic: topic, partition, offset: message.offset, key: text(message.key), value: text(message.value), reason, consumer: this.declaration.name, at });
      if (!value) {
        // Retrying would never write it and would hold the partition for good.
        this.declaration.log('error', 'message skipped: its dead-letter entry is too large to write', fields);
        return [];
      }
      this.declaration.log('warn', 'message sent to the dead-letter topic', fields);
      return [{ key, value }];
    });
    await publisher.publish(EVENTS.deadLetter, letters);
  }

  private scheduleCommit(): void {
    if (this.stopping) return;
    this.commitTimer = setTimeout(() => {
      this.committing = this.commitPending().finally(() => this.scheduleCommit());
    }, this.declaration.commitIntervalMs ?? 1_000);
  }

  private async commitPending(commit = (offsets: { topic: string; partition: number; offset: string }[]) => this.consumer.commitOffsets(offsets)): Promise<void> {
    if (this.pending.size === 0) return;
    const entries = [...this.pending.values()];
    const offsets = entries.flatMap((entry) => {
      const limit = this.declaration.committable?.(entry.topic, entry.partition);
      if (limit === undefined) return [entry];
      if (limit === null) return [];
      return [{ ...entry, offset: String(Math.min(Number(entry.offset), Number(limit))) }];
    });
    if (offsets.length === 0) return;
    try {
      await commit(offsets);
      for (const [index, entry] of entries.entries()) {
        const key = `${entry.topic}/${entry.partition}`;
        // Held back by `committable`: committed again on the next pass, as far as it then allows.
        const held = this.declaration.committable !== undefined && offsets.find((offset) => offset.topic === entry.topic && offset.partition === entry.partition)?.offset !== entry.offset;
        if (!held && this.pending.get(key) === entries[index]) this.pending.delete(key);
      }
    } catch (error) {
      // A rebalance is under way: the offsets are committed by the next pass, or redelivered.
      this.declaration.log('warn', 'offset commit failed; retrying', { consumer: this.declaration.name, error: String(error) });
    }
  }

}
