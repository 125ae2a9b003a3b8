import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumer, ensureTopics } from '@alertlark/kafka';
import type { DailyStatsRepository } from '@alertlark/persistence';
import { ProjectStatsBatchUseCase, STATS_SOURCES } from './project-stats-batch.usecase';

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
  /** Names the throwaway consumer group: `<groupId>.<uuid>`, deleted at the end. */
  groupId: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Give up when no batch is handled for this long while some are still due. */
  idleTimeoutMs?: number;
  isStopping?: () => boolean;
}

/**
 * Empties the projection in the target database, then runs the live consumer's handler
 * (`ProjectStatsBatchUseCase`) through a `BatchConsumer` to the end offsets present once it was emptied:
 * both topics from their beginning, in a throwaway consumer group that commits nothing. The rows
 * are insert-only with ids fixed by the events, so the result is the same whatever the order; a
 * stats service writing into the same database meanwhile loses nothing (what it wrote before the
 * offsets were taken is replayed, what it writes after stays). Messages the live consumer
 * dead-letters are counted as invalid and logged, not dead-lettered a second time.
 */
export async function rebuildProjection(run: RebuildRun): Promise<RebuildSummary> {
  const started = Date.now();
  await ensureTopics(run.kafka, [...STATS_SOURCES]);
  const cleared = await run.stats.clear();
  run.log('projection emptied; reading the topics', { cleared });

  const topics: Record<string, TopicFigures> = {};
  const admin = run.kafka.admin();
  await admin.connect();
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: STATS_SOURCES.map((contract) => contract.topic) });
    for (const topic of metadata) topics[topic.name] = { partitions: topic.partitions.length, messages: 0, projected: 0, skipped: 0, invalid: 0 };
  } finally {
    await admin.disconnect();
  }
  let lastProgress = Date.now();
  const project = new ProjectStatsBatchUseCase(run.stats, new Registry());
  const consumer = new BatchConsumer(run.kafka, {
    name: 'stats.rebuild',
    groupId: run.groupId,
    contracts: STATS_SOURCES,
    fromBeginning: true,
    publisher: null,
    log: (level, message, fields) => run.log(message, { level, ...fields }),
    untilEnd: {},
    // Replays are bulk work: several partitions' inserts in flight at once.
    partitionsConsumedConcurrently: 4,
    handleBatch: async (batch) => {
      const figures = await project.execute(batch);
      const counted = topics[batch.topic]!;
      counted.messages += batch.events.length + batch.invalid;
      counted.projected += figures.projected;
      counted.skipped += figures.skipped;
      counted.invalid += batch.invalid + figures.rejected;
      lastProgress = Date.now();
    },
  });
  run.log('reading', { groupId: consumer.groupId });

  let failure: Error | undefined;
  let stopped: Promise<void> | undefined;
  const idleTimeoutMs = run.idleTimeoutMs ?? 60_000;
  const watchdog = setInterval(() => {
    if (run.isStopping?.()) failure ??= new Error('stopped before the replay finished: the projection is incomplete, run the rebuild again');
    else if (Date.now() - lastProgress > idleTimeoutMs) failure ??= new Error(`no batch was handled for ${idleTimeoutMs} ms before the end offsets were reached`);
    if (failure) stopped ??= consumer.stop();
  }, 500);
  try {
    await consumer.run();
    await stopped;
  } catch (error) {
    failure ??= error as Error;
    await consumer.stop().catch(() => undefined);
  } finally {
    clearInterval(watchdog);
    await deleteGroup(run, consumer.groupId);
  }
  if (failure) throw failure;
  const rows = await run.stats.size();
  return { groupId: consumer.groupId, cleared, topics, rows, durationMs: Date.now() - started };
}

/** The throwaway group served its purpose; a leftover one would only clutter the broker. */
async function deleteGroup(run: RebuildRun, groupId: string): Promise<void> {
  const admin = run.kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (error) {
    run.log('could not delete the throwaway consumer group', { groupId, error: String(error) });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
