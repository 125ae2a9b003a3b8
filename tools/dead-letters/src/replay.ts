import type { Kafka } from 'kafkajs';
import { EVENTS } from '@alertlark/contracts';
import { ensureTopics } from '@alertlark/kafka';
import type { ReplayOptions } from './replay-options';
import { planReading, type PartitionRange } from './replay-plan';
import { selectForReplay } from './replay-selection';

export interface ReplaySummary {
  replayed: number;
  skipped: number;
  dryRun: boolean;
}

export interface ReplayRun {
  groupId: string;
  options: ReplayOptions;
  /** One line per replayed entry (stdout). */
  emit: (line: Record<string, unknown>) => void;
  /** Progress and skipped entries (stderr). */
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Give up when no message arrives for this long while some are still due. */
  idleTimeoutMs?: number;
  /** Set by SIGINT/SIGTERM: stop after the entry in hand; what was replayed stays committed. */
  isStopping?: () => boolean;
}

const TOPIC = EVENTS.deadLetter.topic;

/**
 * Reads the dead-letter topic in the replay group from where its last run stopped up to the end
 * offsets taken at start, and republishes each selected entry's value, with its key, to the
 * partition of its source topic it was read from (acks = -1). The group's offset moves past an
 * entry, replayed or skipped, right after it is handled, so a second run never replays it again;
 * an entry published but not yet committed when the process dies is replayed once more (the
 * consumers downstream are idempotent by notification and event id). A dry run publishes nothing
 * and commits nothing.
 */
export async function replayDeadLetters(kafka: Kafka, run: ReplayRun): Promise<ReplaySummary> {
  const { options, groupId } = run;
  const summary: ReplaySummary = { replayed: 0, skipped: 0, dryRun: options.dryRun };
  await ensureTopics(kafka, [EVENTS.deadLetter]);
  const admin = kafka.admin();
  await admin.connect();
  let ranges: PartitionRange[];
  try {
    const [ends, groupOffsets] = await Promise.all([admin.fetchTopicOffsets(TOPIC), admin.fetchOffsets({ groupId, topics: [TOPIC] })]);
    const committed = new Map((groupOffsets.find((entry) => entry.topic === TOPIC)?.partitions ?? []).map((p) => [p.partition, p.offset] as const));
    ranges = planReading(
      ends.map((end) => ({ partition: end.partition, low: end.low, high: end.high })),
      committed,
      options.fromBeginning,
    );
  } finally {
    await admin.disconnect();
  }
  run.log('reading the dead-letter topic', { groupId, ranges, ...options, filter: { ...options.filter, since: options.filter.since?.toISOString() } });
  if (ranges.length === 0) return summary;

  // Idempotent, like the services' producers: a send kafkajs retries after a timeout is not written twice.
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 });
  const ends = new Map(ranges.map((range) => [range.partition, BigInt(range.end)]));
  const next = new Map(ranges.map((range) => [range.partition, BigInt(range.start)]));
  let lastProgress = Date.now();
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let failure: unknown;

  const handle = async (partition: number, offset: string, value: Buffer | null): Promise<void> => {
    const end = ends.get(partition);
    const expected = next.get(partition);
    // Past the end taken at start (left for the next run), or already handled.
    if (end === undefined || expected === undefined || BigInt(offset) >= end || BigInt(offset) < expected) return;
    lastProgress = Date.now();
    const selection = selectForReplay(value, options.filter);
    const where = { deadLetterPartition: partition, deadLetterOffset: offset };
    if (selection.replay) {
      const { entry } = selection;
      if (!options.dryRun) {
        await producer.send({ topic: entry.sourceTopic, acks: -1, messages: [{ key: entry.key, value: entry.value, partition: entry.partition }] });
      }
      summary.replayed++;
      run.emit({
        action: options.dryRun ? 'would-replay' : 'replayed',
        sourceTopic: entry.sourceTopic,
        sourcePartition: entry.partition,
        sourceOffset: entry.offset,
        key: entry.key,
        consumer: entry.consumer,
        reason: entry.reason,
        at: entry.at,
        ...where,
      });
    } else {
      summary.skipped++;
      run.log('skipped', { ...where, reason: selection.reason });
    }
    if (!options.dryRun) await consumer.commitOffsets([{ topic: TOPIC, partition, offset: (BigInt(offset) + 1n).toString() }]);
    next.set(partition, BigInt(offset) + 1n);
    if (BigInt(offset) + 1n >= end) ends.delete(partition);
    if (ends.size === 0) finish();
  };

  if (!options.dryRun) await producer.connect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const running = consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (failure !== undefined || ends.size === 0) return;
        if (run.isStopping?.()) return finish();
        try {
          await handle(partition, message.offset, message.value);
        } catch (error) {
          failure = error;
          finish();
        }
      },
    });
    // Before the first fetch: start exactly where the plan says (the group's offset, or the log's start).
    for (const range of ranges) consumer.seek({ topic: TOPIC, partition: range.partition, offset: range.start });
    await running;
    const idleTimeoutMs = run.idleTimeoutMs ?? 60_000;
    const watchdog = setInterval(() => {
      if (run.isStopping?.()) finish();
      if (Date.now() - lastProgress > idleTimeoutMs) {
        failure ??= new Error(`no dead-letter entry arrived for ${idleTimeoutMs} ms with ${[...ends.keys()].join(', ')} still to read (is another replay running in group ${groupId}?)`);
        finish();
      }
    }, 500);
    await finished;
    clearInterval(watchdog);
  } finally {
    await consumer.disconnect();
    if (!options.dryRun) await producer.disconnect();
  }
  if (failure !== undefined) throw failure;
  return summary;
}
