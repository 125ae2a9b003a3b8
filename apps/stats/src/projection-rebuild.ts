import type { Kafka, KafkaMessage } from 'kafkajs';
import { EVENTS, isDailySummary } from '@alertlark/contracts';
import { UnprojectableEventError, alertNoticesOf, cardAttemptOf, type AlertNotice, type CardAttempt } from '@alertlark/daily-stats';
import { decodeEvent, ensureTopics } from '@alertlark/kafka';
import type { DailyStatsRepository } from '@alertlark/persistence';

/** The topics the projection is built from, each with what the live consumer does with a message. */
const SOURCES = [EVENTS.notifications, EVENTS.deliveries] as const;

export interface TopicFigures {
  partitions: number;
  /** Messages read (up to the end offsets taken at start). */
  messages: number;
  /** Messages that added rows (or would have: rows already there are skipped). */
  projected: number;
  /** Daily summaries, retrying attempts and daily summaries' attempts: not counted, as live. */
  skipped: number;
  /** Messages the live consumer dead-letters (schema violation, a timestamp that is no time). */
  invalid: number;
}

export interface RebuildSummary {
  groupId: string;
  /** Rows removed from the target before the replay. */
  cleared: { notices: number; cards: number };
  topics: Record<string, TopicFigures>;
  /** Rows the target holds afterwards. */
  rows: { notices: number; cards: number };
  durationMs: number;
}

export interface RebuildRun {
  kafka: Kafka;
  /** The repository on the target database. */
  stats: DailyStatsRepository;
  groupId: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Give up when no message arrives for this long while some are still due. */
  idleTimeoutMs?: number;
  isStopping?: () => boolean;
}

interface Rows {
  notices: AlertNotice[];
  cards: CardAttempt[];
}

type Verdict = 'projected' | 'skipped' | 'invalid';

/** One message's rows, exactly as the live consumer (ProjectStatsEventUseCase) makes them. */
export function rowsOf(topic: string, value: Buffer | null, into: Rows): Verdict {
  try {
    if (topic === EVENTS.notifications.topic) {
      const decoded = decodeEvent(EVENTS.notifications.schema, value);
      if (!decoded.ok) return 'invalid';
      if (isDailySummary(decoded.value)) return 'skipped';
      into.notices.push(...alertNoticesOf(decoded.value));
      return 'projected';
    }
    const decoded = decodeEvent(EVENTS.deliveries.schema, value);
    if (!decoded.ok) return 'invalid';
    const card = cardAttemptOf(decoded.value);
    if (!card) return 'skipped';
    into.cards.push(card);
    return 'projected';
  } catch (error) {
    if (error instanceof UnprojectableEventError) return 'invalid';
    throw error;
  }
}

/**
 * Empties the projection in the target database, then replays both topics from their beginning
 * up to the end offsets taken after emptying it, in a throwaway consumer group. The rows are the
 * live consumer's rows (insert-only, ids fixed by the events), so the result is the same whatever
 * the order and however often a message is read; a stats service writing into the same database
 * meanwhile loses nothing (what it wrote before the offsets were taken is replayed, what it writes
 * after stays).
 */
export async function rebuildProjection(run: RebuildRun): Promise<RebuildSummary> {
  const started = Date.now();
  await ensureTopics(run.kafka, [...SOURCES]);
  const cleared = await run.stats.clear();
  run.log('projection emptied; reading the topics', { cleared });

  const admin = run.kafka.admin();
  await admin.connect();
  const topics: Record<string, TopicFigures> = {};
  const ends = new Map<string, bigint>();
  const starts: { topic: string; partition: number; offset: string }[] = [];
  try {
    for (const contract of SOURCES) {
      const offsets = await admin.fetchTopicOffsets(contract.topic);
      topics[contract.topic] = { partitions: offsets.length, messages: 0, projected: 0, skipped: 0, invalid: 0 };
      for (const { partition, low, high } of offsets) {
        if (BigInt(high) <= BigInt(low)) continue;
        ends.set(`${contract.topic}/${partition}`, BigInt(high));
        starts.push({ topic: contract.topic, partition, offset: low });
      }
    }
  } finally {
    await admin.disconnect();
  }
  run.log('reading', { groupId: run.groupId, partitions: starts.map((start) => ({ ...start, end: ends.get(`${start.topic}/${start.partition}`)!.toString() })) });

  if (ends.size > 0) await replay(run, starts, ends, topics);
  const rows = await run.stats.size();
  return { groupId: run.groupId, cleared, topics, rows, durationMs: Date.now() - started };
}

async function replay(run: RebuildRun, starts: readonly { topic: string; partition: number; offset: string }[], ends: Map<string, bigint>, topics: Record<string, TopicFigures>): Promise<void> {
  const consumer = run.kafka.consumer({ groupId: run.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 200 });
  let lastProgress = Date.now();
  let failure: unknown;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  // The next offset to count per partition: a message read twice (a refetch) is written again
  // harmlessly but counted once.
  const next = new Map(starts.map((start) => [`${start.topic}/${start.partition}`, BigInt(start.offset)]));

  const handleBatch = async (topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<void> => {
    const key = `${topic}/${partition}`;
    const end = ends.get(key);
    if (end === undefined) return;
    const rows: Rows = { notices: [], cards: [] };
    const figures = topics[topic]!;
    let last: bigint | undefined;
    for (const message of messages) {
      const offset = BigInt(message.offset);
      if (offset >= end) break;
      if (offset < next.get(key)!) continue;
      next.set(key, offset + 1n);
      figures.messages++;
      figures[rowsOf(topic, message.value, rows)]++;
      last = offset;
    }
    await run.stats.recordNotices(rows.notices);
    await run.stats.recordCards(rows.cards);
    if (last === undefined) return;
    lastProgress = Date.now();
    // No producer of these topics is transactional: every offset below the end holds a message.
    if (last + 1n >= end) {
      ends.delete(key);
      run.log('partition replayed', { topic, partition, end: end.toString() });
      if (ends.size === 0) finish();
    }
  };

  await consumer.connect();
  try {
    for (const contract of SOURCES) await consumer.subscribe({ topic: contract.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        if (failure !== undefined || ends.size === 0) return;
        try {
          await handleBatch(batch.topic, batch.partition, batch.messages);
          await heartbeat();
        } catch (error) {
          failure = error;
          finish();
        }
      },
    });
    const idleTimeoutMs = run.idleTimeoutMs ?? 60_000;
    const watchdog = setInterval(() => {
      if (run.isStopping?.()) {
        failure ??= new Error('stopped before the replay finished: the projection is incomplete, run the rebuild again');
        finish();
      }
      if (Date.now() - lastProgress > idleTimeoutMs) {
        failure ??= new Error(`no message arrived for ${idleTimeoutMs} ms with ${[...ends.keys()].join(', ')} still to read`);
        finish();
      }
    }, 500);
    await finished;
    clearInterval(watchdog);
  } finally {
    await consumer.disconnect();
    await deleteGroup(run);
  }
  if (failure !== undefined) throw failure;
}

/** The throwaway group served its purpose; a leftover one would only clutter the broker. */
async function deleteGroup(run: RebuildRun): Promise<void> {
  const admin = run.kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([run.groupId]);
  } catch (error) {
    run.log('could not delete the throwaway consumer group', { groupId: run.groupId, error: String(error) });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
